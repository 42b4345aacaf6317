package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.TempWorkspace;
import dev.minilab.testkit.proxmox.ProxmoxApiServer;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code ./minilab inventory} as a user runs it: PM_* in .env, one command, the summary on stdout. */
class InventoryLauncherIT {

    @Test
    void inventoryPrintsTheClusterFromTheSettingsInDotEnv() throws Exception {
        try (ProxmoxApiServer pve = ProxmoxApiServer.start();
             TempWorkspace workspace = TempWorkspace.create("minilab-inventory")) {
            StringBuilder dotenv = new StringBuilder("# from .env.template\n");
            pve.env(workspace.resolve("pve-root-ca.pem")).forEach((k, v) -> dotenv.append(k).append('=').append(v)
                    .append('\n'));
            Files.writeString(workspace.resolve(".env"), dotenv);
            Launcher launcher = new Launcher(workspace.root(), Map.of());

            try (ChildProcess inventory = launcher.start(List.of("inventory"), "inventory")) {
                int code = inventory.awaitExit(Duration.ofSeconds(120));

                assertThat(code).as(inventory.output()).isZero();
                assertThat(inventory.output()).contains("Proxmox VE 8.3.0, cluster \"lab\", 3 node(s), 2 online")
                        .contains("  pve2  online  16 CPUs").contains("  pve3  OFFLINE")
                        .contains("  9000  ubuntu-24.04-cloud  on pve1").contains("next free VMID: 109")
                        .doesNotContain(pve.tokenSecret());
            }
        }
    }
}
