package dev.minilab.provisioning.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code ./minilab provision} checks the Proxmox settings at start, as the agents do. */
class ProvisionMainTest {

    @TempDir
    Path workspace;

    @Test
    void aMalformedProxmoxSettingStopsTheRunAtStartWithOneLineNamingIt() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        String secret = "5f1e7c2a-" + "0b9d-4e3f-a6c8-1d2e3f4a5b6c";

        int exit = ProvisionMain.run(new String[] {"web.json"}, Map.of("PATH", System.getenv("PATH"),
                "PM_API_URL", "https://pve1.lan:8006/api2/json", "PM_TOKEN_ID", "terraform@pve!minilab=" + secret),
                workspace, new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8));

        String error = err.toString(StandardCharsets.UTF_8);
        assertThat(exit).isEqualTo(2);
        assertThat(error.lines()).singleElement().asString().startsWith("minilab provision: PM_TOKEN_ID=")
                .contains("put the secret (the UUID after '=') in PM_TOKEN_SECRET");
        assertThat(error + out).doesNotContain(secret);
    }
}
