package dev.minilab.runtime.proxmox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** PM_* settings: both URL forms, token id format, secrets never printed, one line naming the variable on error. */
class ProxmoxSettingsTest {

    private static final String SECRET = "0b9d4e3f-" + "a6c8-1d2e-3f4a-5b6c7d8e9f00";

    @TempDir
    Path workspace;

    private Map<String, String> env(String... kv) {
        return Envs.with(Map.of("PM_API_URL", "https://pve1.lan:8006",
                "PM_TOKEN_ID", "terraform@pve!minilab", "PM_TOKEN_SECRET", SECRET), kv);
    }

    private ProxmoxSettings settings(String... kv) {
        return ProxmoxSettings.fromEnv(env(kv), workspace).orElseThrow();
    }

    @Test
    void bothUrlFormsGiveTheApiBase() {
        assertThat(settings().apiBase()).hasToString("https://pve1.lan:8006/api2/json");
        assertThat(settings("PM_API_URL", "https://pve1.lan:8006/api2/json/").apiBase())
                .hasToString("https://pve1.lan:8006/api2/json");
        assertThat(settings("PM_API_URL", "https://10.0.0.11:8006/").apiBase())
                .hasToString("https://10.0.0.11:8006/api2/json");
        assertThat(settings().timeout()).isEqualTo(Duration.ofSeconds(15));
        assertThat(settings().insecure()).isFalse();
    }

    @Test
    void notConfiguredWithoutTheUrl() {
        assertThat(ProxmoxSettings.fromEnv(Map.of("PM_TOKEN_ID", "a@pam!b"), workspace)).isEmpty();
    }

    @Test
    void malformedValuesFailWithOneLineNamingTheVariable() {
        assertThatThrownBy(() -> settings("PM_API_URL", "http://pve1:8006")).isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("PM_API_URL=http://pve1:8006 is not valid").hasMessageContaining("https");
        assertThatThrownBy(() -> settings("PM_API_URL", "https://pve1:8006/ui")).hasMessageContaining("PM_API_URL");
        assertThatThrownBy(() -> settings("PM_TOKEN_ID", "terraform@pve")).hasMessageStartingWith("PM_TOKEN_ID=")
                .hasMessageContaining("user@realm!tokenname");
        assertThatThrownBy(() -> settings("PM_TOKEN_ID", "terraform@pve!minilab=" + SECRET))
                .hasMessageContaining("PM_TOKEN_SECRET").hasMessageNotContaining(SECRET);
        assertThatThrownBy(() -> settings("PM_TOKEN_SECRET", null)).hasMessageStartingWith("PM_TOKEN_SECRET is not set");
        assertThatThrownBy(() -> settings("PM_TLS_INSECURE", "maybe")).hasMessageStartingWith("PM_TLS_INSECURE=maybe");
        assertThatThrownBy(() -> settings("PM_CA_FILE", "missing.pem")).hasMessageStartingWith("PM_CA_FILE=missing.pem")
                .hasMessageContaining("/etc/pve/pve-root-ca.pem");
        assertThatThrownBy(() -> settings("PM_TIMEOUT_SECONDS", "0")).hasMessageStartingWith("PM_TIMEOUT_SECONDS=0");
    }

    @Test
    void aCaFileMustHoldACertificate() throws Exception {
        Files.writeString(workspace.resolve("ca.pem"), "not a certificate\n");

        assertThatThrownBy(() -> settings("PM_CA_FILE", "ca.pem")).hasMessageContaining("-----BEGIN CERTIFICATE-----");
    }

    @Test
    void theSecretIsNeverInToString() {
        assertThat(settings().toString()).doesNotContain(SECRET).contains("tokenSecret=(hidden)");
        assertThat(settings("PM_TLS_INSECURE", "true").insecure()).isTrue();
    }
}
