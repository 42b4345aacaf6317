package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(RedisExtension.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisExtensionIT {

    private static RedisServer first;

    @Test
    @Order(1)
    void injectsARunningServer(RedisServer redis) {
        first = redis;
        assertThat(redis.ping()).isTrue();
        redis.command("SET", redis.namespace() + "k", "v");
    }

    @Test
    @Order(2)
    void everyTestOfTheClassGetsTheSameServer(RedisServer redis) {
        assertThat(redis).isSameAs(first);
        assertThat(redis.command("GET", redis.namespace() + "k")).isEqualTo("v");
    }

    @AfterAll
    static void serverIsStillUpUntilTheClassEnds(RedisServer redis) {
        assertThat(redis.ping()).isTrue();
    }
}
