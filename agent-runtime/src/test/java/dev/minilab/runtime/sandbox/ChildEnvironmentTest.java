package dev.minilab.runtime.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ChildEnvironmentTest {

    private static final Map<String, String> ENV = Map.of("PATH", "/usr/bin", "HOME", "/home/u",
            "OPENAI_API_KEY", "sk-x", "REDIS_PASSWORD", "pw", "MINILAB_PRIVATE_KEY", "k",
            "PM_API_URL", "https://pve:8006/api2/json", "PM_TOKEN_ID", "root@pam!tf",
            "PM_TOKEN_SECRET", "uuid-secret", "PM_CA_FILE", "/ca.pem", "MY_CUSTOM", "c");

    @Test
    void scrubbedEnvKeepsOrdinaryVariablesOnly() {
        Map<String, String> child = ChildEnvironment.scrubbed(ENV, List.of("MY_CUSTOM"));

        assertThat(child).containsEntry("PATH", "/usr/bin").containsEntry("HOME", "/home/u")
                .doesNotContainKeys("OPENAI_API_KEY", "REDIS_PASSWORD", "MINILAB_PRIVATE_KEY", "PM_API_URL",
                        "PM_TOKEN_ID", "PM_TOKEN_SECRET", "PM_CA_FILE", "MY_CUSTOM");
        assertThat(child.keySet()).noneMatch(k -> k.startsWith("TF_VAR_"));
    }

    @Test
    void terraformGetsProxmoxCredentialsAsTfVarsAndNoCheckpoint() {
        Map<String, String> child = ChildEnvironment.forTerraform(ENV, List.of());

        assertThat(child).containsEntry("TF_VAR_pm_api_url", "https://pve:8006/")
                .containsEntry("TF_VAR_pm_token_id", "root@pam!tf")
                .containsEntry("TF_VAR_pm_token_secret", "uuid-secret")
                .containsEntry("TF_VAR_pm_ca_file", "/ca.pem")
                .containsEntry("CHECKPOINT_DISABLE", "1")
                .doesNotContainKeys("PM_TOKEN_SECRET", "OPENAI_API_KEY", "REDIS_PASSWORD");
    }

    @Test
    void pmApiUrlReachesTerraformInTheFormTheBpgProviderAcceptsWhicheverFormTheUserGave() {
        for (String given : List.of("https://pve:8006/api2/json", "https://pve:8006/api2/json/", "https://pve:8006",
                "https://pve:8006/", " https://pve:8006//api2/json// ")) {
            assertThat(ChildEnvironment.forTerraform(Map.of("PM_API_URL", given), List.of()))
                    .as(given).containsEntry("TF_VAR_pm_api_url", "https://pve:8006/");
        }
        assertThat(ChildEnvironment.terraformEndpoint("https://[fd00::1]:8006/api2/json"))
                .isEqualTo("https://[fd00::1]:8006/");
    }

    @Test
    void tlsInsecureReachesTerraformOnlyWhenTrue() {
        assertThat(ChildEnvironment.forTerraform(Map.of("PM_TLS_INSECURE", "TRUE"), List.of()))
                .containsEntry("TF_VAR_pm_tls_insecure", "true");
        assertThat(ChildEnvironment.forTerraform(Map.of("PM_TLS_INSECURE", "false"), List.of()))
                .doesNotContainKey("TF_VAR_pm_tls_insecure");
        assertThat(ChildEnvironment.forTerraform(Map.of(), List.of())).doesNotContainKey("TF_VAR_pm_tls_insecure");
    }
}
