package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** REDIS_TLS_* as read at start (issue 13): files must be readable, cert and key go together, TLS needs rediss. */
class RedisTlsSettingsTest {

    @TempDir
    Path dir;

    private MiniLabConfig config(String... pairs) {
        Map<String, String> env = new HashMap<>();
        for (int i = 0; i < pairs.length; i += 2) {
            env.put(pairs[i], pairs[i + 1]);
        }
        return MiniLabConfig.from(env, dir);
    }

    @Test
    void readsTheFilesRelativeToTheWorkspace() throws IOException {
        Files.writeString(dir.resolve("ca.crt"), "pem");
        Files.writeString(dir.resolve("me.crt"), "pem");
        Files.writeString(dir.resolve("me.key"), "pem");

        RedisTls tls = RedisTls.fromConfig(config("REDIS_URL", "rediss://broker:6380", "REDIS_TLS_CA_FILE", "ca.crt",
                "REDIS_TLS_CERT_FILE", "me.crt", "REDIS_TLS_KEY_FILE", "me.key"));

        assertThat(tls).isEqualTo(new RedisTls(dir.resolve("ca.crt"), dir.resolve("me.crt"), dir.resolve("me.key"),
                false));
        assertThat(tls.mutual()).isTrue();
        assertThat(RedisTls.fromConfig(config())).isEqualTo(RedisTls.DEFAULTS);
    }

    @Test
    void refusesAMissingFileHalfAPairABadFlagAndTlsSettingsForAPlainUrl() throws IOException {
        Files.writeString(dir.resolve("me.crt"), "pem");
        assertThatThrownBy(() -> RedisTls.fromConfig(config("REDIS_URL", "rediss://b:6380",
                "REDIS_TLS_CA_FILE", "missing.crt"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_TLS_CA_FILE=missing.crt").hasMessageContaining("readable PEM file");
        assertThatThrownBy(() -> RedisTls.fromConfig(config("REDIS_URL", "rediss://b:6380",
                "REDIS_TLS_CERT_FILE", "me.crt"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_TLS_KEY_FILE is not set");
        assertThatThrownBy(() -> RedisTls.fromConfig(config("REDIS_URL", "rediss://b:6380",
                "REDIS_TLS_INSECURE", "maybe"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("REDIS_TLS_INSECURE=maybe").hasMessageContaining("true or false");
        assertThatThrownBy(() -> RedisTls.fromConfig(config("REDIS_URL", "redis://:pw@b:6379",
                "REDIS_TLS_INSECURE", "true"))).isInstanceOf(ConfigException.class)
                .hasMessageContaining("rediss://").hasMessageNotContaining(":pw@");
    }

    @Test
    void busSettingsFromConfigCarryTlsFailoverWaitAndSentinelPasswordButNeverPrintPasswords() throws IOException {
        Files.writeString(dir.resolve("ca.crt"), "pem");
        BusSettings settings = BusSettings.from(config("REDIS_URL", "rediss-sentinel://:datapw1234@s1:26379#minilab",
                "REDIS_TLS_CA_FILE", "ca.crt", "REDIS_SENTINEL_PASSWORD", "sentinelpw1234",
                "REDIS_FAILOVER_WAIT_SECONDS", "45"), BusKeys.DEFAULT, BusSettings.DEFAULT_COMMAND_TIMEOUT);

        assertThat(settings.tls().caFile()).isEqualTo(dir.resolve("ca.crt"));
        assertThat(settings.failoverWait()).hasSeconds(45);
        assertThat(settings.sentinelPassword()).isEqualTo("sentinelpw1234");
        assertThat(settings.toString()).doesNotContain("datapw1234").doesNotContain("sentinelpw1234");
        assertThat(RedisEndpoints.isTls(settings.redisUri())).isTrue();
        assertThat(RedisEndpoints.isSentinel(settings.redisUri())).isTrue();
        assertThat(RedisEndpoints.uri(settings).getSentinels()).singleElement()
                .satisfies(s -> assertThat(new String(s.getPassword())).isEqualTo("sentinelpw1234"));
        assertThat(RedisEndpoints.describe(RedisEndpoints.uri(settings)))
                .isEqualTo("Sentinel master 'minilab' via s1:26379 (TLS)");
    }
}
