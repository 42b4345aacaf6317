package dev.minilab.runtime.bus;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.discipline.DisciplineKeys;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Several teams on one real redis-server (issue 13, docs/DEPLOY.md "Several teams on one Redis"): each team has its
 * own key prefix and its own ACL users, made exactly as {@code ./minilab keys} writes them. A team never sees another
 * team's messages, and its users get NOPERM on every key and channel of another team.
 */
@ExtendWith(RedisExtension.class)
class TeamsOnOneRedisIT {

    private static final List<String> SENDERS = List.of("DevOps_Builder", "User");

    private final RedisServer redis;
    private BusKeys blue;
    private BusKeys red;

    TeamsOnOneRedisIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void createTeams() {
        // random team names: the server may be shared by other test classes
        blue = BusKeys.forTeam("blue-" + UUID.randomUUID().toString().substring(0, 8));
        red = BusKeys.forTeam("red-" + UUID.randomUUID().toString().substring(0, 8));
        for (BusKeys team : List.of(blue, red)) {
            for (String sender : SENDERS) {
                setUser(RedisAcl.teamUserLine(sender, password(team, sender), team, "User".equals(sender),
                        DisciplineKeys.of(team).all()));
            }
        }
    }

    @Test
    void twoTeamsOnOneRedisNeverSeeEachOthersMessages() {
        try (TeamBus blueUser = connect(blue, "User");
             TeamBus blueDevOps = connect(blue, "DevOps_Builder");
             TeamBus redUser = connect(red, "User");
             TeamBus redDevOps = connect(red, "DevOps_Builder")) {
            List<Message> blueSeen = new CopyOnWriteArrayList<>();
            List<Message> redSeen = new CopyOnWriteArrayList<>();
            blueUser.subscribe(blueSeen::add);
            redUser.subscribe(redSeen::add);

            // Both teams' DevOps_Builder hold their role lease at once: the leases do not collide either.
            RoleLease blueLease = new RoleLease(blueDevOps, "DevOps_Builder", Duration.ofSeconds(60));
            RoleLease redLease = new RoleLease(redDevOps, "DevOps_Builder", Duration.ofSeconds(60));
            assertThat(blueLease.tryAcquire()).isTrue();
            assertThat(redLease.tryAcquire()).isTrue();

            for (int i = 1; i <= 5; i++) {
                blueDevOps.publish(Message.chat("DevOps_Builder", "@Architect_Zero blue " + i));
                blueDevOps.publishThink("DevOps_Builder", "blue thinking " + i);
            }
            blueDevOps.putStatus("DevOps_Builder", "{\"role\":\"DevOps_Builder\",\"state\":\"idle\"}");
            // red publishes only after every blue publish returned: a blue message red could receive would reach
            // red's subscriber before red's own last message (one subscriber connection delivers in order)
            for (int i = 1; i <= 5; i++) {
                redDevOps.publish(Message.chat("DevOps_Builder", "@Architect_Zero red " + i));
            }
            await().atMost(Duration.ofSeconds(20)).until(() -> redSeen.stream()
                    .anyMatch(m -> m.content().endsWith("red 5")));
            await().atMost(Duration.ofSeconds(20)).until(() -> blueSeen.stream()
                    .anyMatch(m -> m.content().endsWith("blue 5")));

            assertThat(blueSeen).extracting(Message::content).allMatch(c -> c.contains("blue")).hasSize(5);
            assertThat(redSeen).extracting(Message::content).allMatch(c -> c.contains("red")).hasSize(5);
            // each team has its own history and its own seq counter
            assertThat(blueUser.history(50)).extracting(Message::content).allMatch(c -> c.contains("blue")).hasSize(5);
            assertThat(redUser.history(50)).extracting(Message::content).allMatch(c -> c.contains("red")).hasSize(5);
            assertThat(redUser.history(50)).extracting(Message::seq).containsExactly(1L, 2L, 3L, 4L, 5L);
            assertThat(redUser.statuses(List.of("DevOps_Builder"))).isEmpty();
            assertThat(blueUser.statuses(List.of("DevOps_Builder"))).containsKey("DevOps_Builder");

            // red's User clears red's conversation; blue's stays whole
            redUser.clearConversation();
            assertThat(redUser.history(50)).isEmpty();
            assertThat(blueUser.history(50)).hasSize(5);
        }
    }

    @Test
    void oneTeamsAclUsersGetNopermOnEveryKeyAndChannelOfTheOther() {
        try (TeamBus blueDevOps = connect(blue, "DevOps_Builder");
             TeamBus redUser = connect(red, "User");
             TeamBus redDevOps = connect(red, "DevOps_Builder")) {
            blueDevOps.publish(Message.chat("DevOps_Builder", "@Architect_Zero blue secret plan"));
            blueDevOps.putStatus("DevOps_Builder", "{\"role\":\"DevOps_Builder\"}");

            for (TeamBus intruder : List.of(redUser, redDevOps)) {
                var commands = intruder.commands();
                assertThatThrownBy(() -> commands.lrange(blue.history(), 0, -1)).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.get(blue.sequence())).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.incr(blue.sequence())).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.hgetall(blue.leases())).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.sadd(blue.handledControls(), "x")).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.hgetall(blue.status("DevOps_Builder")))
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.hgetall(blue.progress("DevOps_Builder")))
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.lrange(blue.requirements(), 0, -1)).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.hgetall(DisciplineKeys.of(blue).requestState()))
                        .hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.publish(blue.channel(), "{}")).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> commands.publish(blue.thinkChannel(), "{}")).hasMessageContaining("NOPERM");
            }
            assertThatThrownBy(() -> redUser.commands().del(blue.history())).hasMessageContaining("NOPERM");
            assertThat(redis.command("LLEN", blue.history())).isEqualTo(1L);

            // nor can red listen on blue's channels
            RedisClient client = RedisClient.create(uri(red, "User"));
            try (StatefulRedisPubSubConnection<String, String> pubsub = client.connectPubSub()) {
                assertThatThrownBy(() -> pubsub.sync().subscribe(blue.channel())).hasMessageContaining("NOPERM");
                assertThatThrownBy(() -> pubsub.sync().subscribe(blue.thinkChannel())).hasMessageContaining("NOPERM");
            } finally {
                client.shutdown();
            }
        }
    }

    @Test
    void teamUserNamesAreQualifiedByTheTeamAndNeedNoEscapingInAUrl() {
        assertThat(RedisAcl.username("DevOps_Builder", blue)).isEqualTo(blue.prefix().replace(':', '.')
                + "devops_builder").matches("[a-z0-9_.-]+");
        assertThat(RedisAcl.username("DevOps_Builder", BusKeys.DEFAULT)).isEqualTo("devops_builder");
        // a blue password does not open red's user
        assertThatThrownBy(() -> TeamBus.connect(new BusSettings("redis://" + RedisAcl.username("User", red) + ":"
                + password(blue, "User") + "@" + redis.host() + ":" + redis.port(), 80, red, Duration.ofSeconds(3))))
                .isInstanceOf(BusException.class);
    }

    private TeamBus connect(BusKeys team, String sender) {
        return TeamBus.connect(new BusSettings(uri(team, sender), 80, team, Duration.ofSeconds(5)));
    }

    private String uri(BusKeys team, String sender) {
        return "redis://" + RedisAcl.username(sender, team) + ":" + password(team, sender) + "@" + redis.host() + ":"
                + redis.port();
    }

    private static String password(BusKeys team, String sender) {
        return (team.prefix() + sender + "-pw").replace(':', '_');
    }

    private void setUser(String aclLine) {
        List<String> args = new ArrayList<>(List.of("ACL", "SETUSER"));
        args.addAll(Arrays.asList(aclLine.substring("user ".length()).split(" ")));
        redis.command(args.toArray(String[]::new));
    }
}
