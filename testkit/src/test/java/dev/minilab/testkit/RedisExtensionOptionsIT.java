package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class RedisExtensionOptionsIT {

    @RegisterExtension
    static final RedisExtension REDIS = new RedisExtension(RedisServer.Options.defaults()
            .withStrategies(RedisServer.Kind.PROCESS).withAppendOnly(true).withPassword("bus-secret"));

    @Test
    void registeredOptionsApply(RedisServer redis) {
        assertThat(redis.password()).isEqualTo("bus-secret");
        assertThat(redis.command("CONFIG", "GET", "appendonly")).isEqualTo(java.util.List.of("appendonly", "yes"));
    }

    @Nested
    class NestedTests {
        @Test
        void shareTheEnclosingClassServer(RedisServer redis) {
            assertThat(redis.password()).isEqualTo("bus-secret");
            assertThat(redis.ping()).isTrue();
        }
    }
}
