package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.testkit.proxmox.ProxmoxApiServer;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./minilab inventory}'s main against the Proxmox API fixture: the summary, the warnings, the exit codes. */
class InventoryMainIT {

    @TempDir
    Path cwd;

    private record Run(int code, String out, String err) {
    }

    private Run run(Map<String, String> env, String... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = InventoryMain.run(args, env, cwd, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    @Test
    void printsTheClusterAsTheAgentsSeeIt() {
        try (ProxmoxApiServer pve = ProxmoxApiServer.start()) {
            Run run = run(pve.env(cwd.resolve("pve-root-ca.pem")));

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).startsWith("Proxmox API " + pve.url() + "/api2/json as terraform@pve!minilab (TLS "
                            + "verified with PM_CA_FILE ")
                    .contains("sizing rules: built-in")
                    .contains("Proxmox VE 8.3.0, cluster \"lab\", 3 node(s), 2 online")
                    .contains("  pve3  OFFLINE")
                    .contains("next free VMID: 109")
                    .doesNotContain(pve.tokenSecret());
            System.out.println("---- ./minilab inventory against the fixture ----\n" + run.out());
        }
    }

    @Test
    void settingsFromDotEnvAndTheNodeArgument() throws Exception {
        try (ProxmoxApiServer pve = ProxmoxApiServer.start()) {
            StringBuilder dotenv = new StringBuilder();
            pve.env(cwd.resolve("pve-root-ca.pem")).forEach((k, v) -> dotenv.append(k).append('=').append(v)
                    .append('\n'));
            Files.writeString(cwd.resolve(".env"), dotenv);

            Run run = run(Map.of(), "pve2");

            assertThat(run.code()).as(run.err()).isZero();
            assertThat(run.out()).contains("  pve2  online").doesNotContain("  pve1  online")
                    .contains("  104  vm  gitlab  pve2  running").doesNotContain("web-1");
        }
    }

    @Test
    void aWrongTokenOrMissingSettingsExitWithTheFix() {
        try (ProxmoxApiServer pve = ProxmoxApiServer.start()) {
            Map<String, String> env = new HashMap<>(pve.env(cwd.resolve("pve-root-ca.pem")));
            String wrong = "11111111-" + "2222-3333-4444-555555555555";
            env.put("PM_TOKEN_SECRET", wrong);

            Run refused = run(env);
            Run unset = run(Map.of());
            Run malformed = run(Map.of("PM_API_URL", "http://pve1:8006"));

            assertThat(refused.code()).isEqualTo(InventoryMain.EXIT_API);
            assertThat(refused.err()).contains("401 Unauthorized").contains("PM_TOKEN_SECRET").doesNotContain(wrong);
            assertThat(unset.code()).isEqualTo(InventoryMain.EXIT_CONFIG);
            assertThat(unset.err()).contains("PM_API_URL is not set");
            assertThat(malformed.code()).isEqualTo(InventoryMain.EXIT_CONFIG);
            assertThat(malformed.err()).contains("PM_API_URL=http://pve1:8006 is not valid");
        }
    }

    @Test
    void insecureTlsIsWarnedAboutOnStderrAndInTheSummary() {
        try (ProxmoxApiServer pve = ProxmoxApiServer.start()) {
            Map<String, String> env = new HashMap<>(pve.env(cwd.resolve("pve-root-ca.pem")));
            env.remove("PM_CA_FILE");
            env.put("PM_TLS_INSECURE", "true");

            Run run = run(env);

            assertThat(run.code()).isZero();
            assertThat(run.err()).contains("WARNING: PM_TLS_INSECURE=true");
            assertThat(run.out()).contains("TLS NOT verified").contains("WARNING: PM_TLS_INSECURE=true");
        }
    }
}
