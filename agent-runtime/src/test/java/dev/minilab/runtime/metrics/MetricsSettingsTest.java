package dev.minilab.runtime.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MetricsSettingsTest {

    @Test
    void unsetMeansNoServer() {
        assertThat(MetricsSettings.fromEnv(Map.of(), "Architect_Zero", 0).port()).isEmpty();
    }

    @Test
    void eachRoleListensOnTheBasePortPlusItsPlaceUnlessItsOwnPortIsSet() {
        Map<String, String> env = Map.of("METRICS_PORT", "9464", "METRICS_PORT_QA_TESTER", "9500");

        assertThat(MetricsSettings.fromEnv(env, "Architect_Zero", 0).port()).hasValue(9464);
        assertThat(MetricsSettings.fromEnv(env, "DevOps_Builder", 1).port()).hasValue(9465);
        assertThat(MetricsSettings.fromEnv(env, "Security_Sentinel", 2).port()).hasValue(9466);
        assertThat(MetricsSettings.fromEnv(env, "QA_Tester", 3).port()).hasValue(9500);
    }

    @Test
    void malformedValuesFailNamingTheVariable() {
        assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("METRICS_PORT", "65535"), "QA_Tester", 3))
                .isInstanceOf(ConfigException.class).hasMessageStartingWith("METRICS_PORT=65535");
        assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("METRICS_PORT", "http"), "QA_Tester", 3))
                .hasMessageStartingWith("METRICS_PORT=http");
        assertThatThrownBy(() -> MetricsSettings.fromEnv(Map.of("PUSHGATEWAY_URL", "pushgateway:9091"), "QA_Tester", 3))
                .hasMessageStartingWith("PUSHGATEWAY_URL=");
    }

    @Test
    void pushGatewayTargetNamesJobAndInstance() {
        assertThat(PushGateway.target("http://pg:9091/", "QA_Tester").toString())
                .isEqualTo("http://pg:9091/metrics/job/minilab/instance/QA_Tester");
    }
}
