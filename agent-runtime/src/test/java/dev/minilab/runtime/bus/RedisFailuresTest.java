package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisLoadingException;
import java.net.SocketException;
import org.junit.jupiter.api.Test;

class RedisFailuresTest {

    @Test
    void aCutConnectionATimeoutAndABrokerStillLoadingOrBusyPass() {
        // LOADING after a Redis restart failed a turn in BusChaosIT (it was treated like NOPERM: not retried)
        assertThat(RedisFailures.isTransient(new RedisLoadingException("LOADING Redis is loading the dataset"))).isTrue();
        assertThat(RedisFailures.isTransient(new RedisBusyException("BUSY Redis is busy running a script"))).isTrue();
        assertThat(RedisFailures.isTransient(new RedisException(new SocketException("Connection reset")))).isTrue();
        assertThat(RedisFailures.isTransient(new RedisConnectionException("Connection closed"))).isTrue();
        assertThat(RedisFailures.isTransient(new RedisCommandTimeoutException("Command timed out"))).isTrue();
    }

    @Test
    void anErrorRedisAnsweredWithDoesNotPass() {
        assertThat(RedisFailures.isTransient(new RedisCommandExecutionException("NOPERM no permissions"))).isFalse();
        assertThat(RedisFailures.isTransient(new RedisCommandExecutionException("WRONGTYPE Operation"))).isFalse();
    }
}
