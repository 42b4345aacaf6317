package dev.minilab.console.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.console.bus.TeamBusConsoleBus;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.RedisAcl;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Issue 17 finding 4 (LTRIM): agents' Redis users cannot trim {@code chat_history}, so their publishes append
 * without trimming and the console (the User's Redis user) keeps the history to the window: at its start and after
 * every message it receives. Real redis-server with the ACL lines {@code ./minilab keys} writes.
 */
@ExtendWith(RedisExtension.class)
class HistoryTrimIT {

    private static final int WINDOW = 5;
    private final RedisServer redis;
    private BusKeys keys;

    HistoryTrimIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void createUsers() {
        keys = new BusKeys("trim" + UUID.randomUUID().toString().substring(0, 8) + ":");
        setUser(RedisAcl.userLine("DevOps_Builder", "devops-pw", keys, false));
        setUser(RedisAcl.userLine("User", "user-pw", keys, true));
        redis.command("FUNCTION", "LOAD", "REPLACE", dev.minilab.runtime.bus.BusFunctions.source()); // the User side's job
    }

    @Test
    void agentsCannotTrimAndTheConsoleKeepsTheHistoryToTheWindow() {
        try (TeamBus agentBus = TeamBus.connect(settings("devops_builder", "devops-pw"))) {
            // given: agents published while no console ran; nothing trimmed
            for (int i = 1; i <= 8; i++) {
                agentBus.publish(Message.chat("DevOps_Builder", "before-" + i));
            }
            assertThat(llen()).isEqualTo(8L);
            assertThatThrownBy(() -> agentBus.commands().ltrim(keys.history(), -WINDOW, -1))
                    .hasMessageContaining("NOPERM");
            assertThat(agentBus.history(100)).hasSize(WINDOW); // readers read only the window

            try (TeamBusConsoleBus console = new TeamBusConsoleBus(TeamBus.connect(settings("user", "user-pw")))) {
                Queue<Message> seen = new ConcurrentLinkedQueue<>();
                console.subscribe(seen::add);
                assertThat(llen()).isEqualTo((long) WINDOW); // trimmed when the console starts

                for (int i = 1; i <= 12; i++) {
                    agentBus.publish(Message.chat("DevOps_Builder", "live-" + i));
                }
                await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream()
                        .anyMatch(m -> m.content().equals("live-12")));
                await().atMost(Duration.ofSeconds(10)).until(() -> llen() == WINDOW);
                assertThat(agentBus.history(WINDOW)).extracting(Message::content)
                        .containsExactly("live-8", "live-9", "live-10", "live-11", "live-12");
            }
        }
    }

    private long llen() {
        return (Long) redis.command("LLEN", keys.history());
    }

    private void setUser(String aclLine) {
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER"));
        args.addAll(Arrays.asList(aclLine.substring("user ".length()).split(" ")));
        redis.command(args.toArray(String[]::new));
    }

    private BusSettings settings(String user, String password) {
        return new BusSettings("redis://" + user + ":" + password + "@" + redis.host() + ":" + redis.port(), WINDOW,
                keys, Duration.ofSeconds(3));
    }
}
