package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Issue 16 finding 6: one active process per role; a second one waits and takes over when the lease lapses. */
@ExtendWith(RedisExtension.class)
class RoleLeaseIT {

    private static final Duration TTL = Duration.ofSeconds(2);
    private final RedisServer redis;
    private TeamBus first;
    private TeamBus second;

    RoleLeaseIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void connect() {
        BusSettings settings = new BusSettings(redis.uri(), 5, new BusKeys(redis.namespace() + UUID.randomUUID() + ":"),
                Duration.ofSeconds(5));
        first = TeamBus.connect(settings);
        second = TeamBus.connect(settings);
    }

    @AfterEach
    void close() {
        first.close();
        second.close();
    }

    @Test
    void aSecondProcessOfTheRoleWaitsWhileTheFirstRefreshesAndTakesOverWhenItStops() {
        RoleLease active = new RoleLease(first, "QA_Tester", TTL);
        RoleLease standby = new RoleLease(second, "QA_Tester", TTL);
        RoleLease otherRole = new RoleLease(second, "DevOps_Builder", TTL);

        assertThat(active.tryAcquire()).isTrue();
        assertThat(standby.tryAcquire()).isFalse();
        assertThat(standby.holder()).isEqualTo(active.owner());
        assertThat(otherRole.tryAcquire()).as("leases are per role").isTrue();

        // while the active one refreshes, for longer than the ttl, the standby never gets it
        long until = System.nanoTime() + TTL.multipliedBy(2).toNanos();
        while (System.nanoTime() < until) {
            assertThat(active.refresh()).isTrue();
            assertThat(standby.tryAcquire()).isFalse();
            sleep(TTL.dividedBy(4));
        }

        // the active process "crashes" (stops refreshing): the standby takes over after the ttl, not before
        await().atMost(TTL.multipliedBy(5)).pollInterval(Duration.ofMillis(100)).until(standby::tryAcquire);
        assertThat(active.refresh()).as("the old process learns it lost the lease").isFalse();
        assertThat(active.holder()).isEqualTo(standby.owner());
    }

    @Test
    void releasingHandsTheLeaseOverAtOnce() {
        RoleLease active = new RoleLease(first, "QA_Tester", Duration.ofMinutes(5));
        RoleLease standby = new RoleLease(second, "QA_Tester", Duration.ofMinutes(5));
        assertThat(active.tryAcquire()).isTrue();
        assertThat(standby.tryAcquire()).isFalse();

        active.release();

        assertThat(standby.tryAcquire()).isTrue();
    }

    private static void sleep(Duration d) {
        try {
            Thread.sleep(d);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
