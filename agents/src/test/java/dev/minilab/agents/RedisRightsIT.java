package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.FreePort;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 4 against a real redis-server started with the real ACL file that {@code ./minilab keys} writes:
 * an agent's Redis user cannot wipe or rewrite the conversation, the pins, the counters, another role's heartbeat,
 * progress or usage (each attempt is NOPERM); only the User clears.
 */
class RedisRightsIT {

    @TempDir
    static Path keys;
    private static ChildProcess redisServer;
    private static int port;
    private static final BusKeys NAMES = BusKeys.DEFAULT;

    @BeforeAll
    static void startRedisWithTheAclFile() throws Exception {
        assertThat(KeysMain.run(new String[] {keys.toString()}, NAMES, System.out, System.err)).isZero();
        port = FreePort.find();
        ProcessBuilder builder = new ProcessBuilder("redis-server", "--port", String.valueOf(port), "--bind",
                "127.0.0.1", "--save", "", "--appendonly", "no", "--aclfile",
                keys.resolve("redis/users.acl").toString());
        redisServer = ChildProcess.start(builder, keys.resolve("redis.log"));
        await().atMost(Duration.ofSeconds(20)).ignoreExceptions().until(() -> {
            try (Conn user = connect("User")) {
                return "PONG".equals(user.redis().ping());
            }
        });
    }

    @AfterAll
    static void stop() {
        redisServer.close();
    }

    record Conn(RedisClient client, StatefulRedisConnection<String, String> connection) implements AutoCloseable {
        RedisCommands<String, String> redis() {
            return connection.sync();
        }

        @Override
        public void close() {
            connection.close();
            client.shutdown();
        }
    }

    static Conn connect(String sender) throws Exception {
        String password = Files.readString(keys.resolve("redis/" + sender + ".password")).strip();
        RedisURI uri = RedisURI.builder().withHost("127.0.0.1").withPort(port)
                .withAuthentication(sender.toLowerCase(java.util.Locale.ROOT), password.toCharArray())
                .withTimeout(Duration.ofSeconds(5)).build();
        RedisClient client = RedisClient.create(uri);
        return new Conn(client, client.connect());
    }

    private static void assertNoPerm(String what, ThrowingCallable write) {
        assertThatThrownBy(write).as(what).hasMessageContaining("NOPERM");
    }

    @Test
    void anAgentsUserCannotWipeOrRewriteWhatIsNotItsOwn() throws Exception {
        try (Conn user = connect("User"); Conn devops = connect("DevOps_Builder")) {
            user.redis().rpush(NAMES.history(), "{\"kept\":1}");
            user.redis().rpush(NAMES.requirements(), "{\"pinned\":1}");
            RedisCommands<String, String> r = devops.redis();

            assertNoPerm("DEL chat_history", () -> r.del(NAMES.history()));
            assertNoPerm("DEL user_requirements", () -> r.del(NAMES.requirements()));
            assertNoPerm("LTRIM user_requirements", () -> r.ltrim(NAMES.requirements(), 1, 0));
            assertNoPerm("LTRIM chat_history", () -> r.ltrim(NAMES.history(), 1, 0));
            assertNoPerm("RPUSH user_requirements", () -> r.rpush(NAMES.requirements(), "{\"forged\":1}"));
            assertNoPerm("SET chat_seq", () -> r.set(NAMES.sequence(), "9223372036854775807"));
            assertNoPerm("SET another role's heartbeat", () -> r.set(NAMES.status("Architect_Zero"), "{}"));
            assertNoPerm("HSET the old shared heartbeat hash", () -> r.hset(NAMES.status(), "Architect_Zero", "{}"));
            assertNoPerm("FLUSHALL", r::flushall);
            assertNoPerm("SET session_epoch (the User's CLEAR)", () -> r.set(NAMES.sessionEpoch(), "{}"));

            // what it needs still works: its own heartbeat, reading pins and heartbeats, appending to the history
            assertThat(r.set(NAMES.status("DevOps_Builder"), "{\"role\":\"DevOps_Builder\"}")).isEqualTo("OK");
            assertThat(r.lrange(NAMES.requirements(), 0, -1)).containsExactly("{\"pinned\":1}");
            assertThat(r.get(NAMES.status("DevOps_Builder"))).contains("DevOps_Builder");
            assertThat(r.rpush(NAMES.history(), "{\"agent\":1}")).isEqualTo(2);
            assertThat(user.redis().lrange(NAMES.requirements(), 0, -1)).containsExactly("{\"pinned\":1}");
            assertThat(user.redis().lrange(NAMES.history(), 0, -1)).containsExactly("{\"kept\":1}", "{\"agent\":1}");
            // the User (console) trims the window
            assertThat(user.redis().ltrim(NAMES.history(), -1, -1)).isEqualTo("OK");
            assertThat(user.redis().lrange(NAMES.history(), 0, -1)).containsExactly("{\"agent\":1}");
        }
    }

    @Test
    void eachRoleWritesOnlyItsOwnProgressAndUsage() throws Exception {
        try (Conn devops = connect("DevOps_Builder"); Conn architect = connect("Architect_Zero")) {
            RedisCommands<String, String> r = devops.redis();
            architect.redis().hset(NAMES.progress("Architect_Zero"), "seq", "42");
            architect.redis().hincrby(NAMES.usage("Architect_Zero"), "Architect_Zero|m|calls", 1);

            // rewinding Architect's progress made it re-run a finished job after a restart (finding 4)
            assertNoPerm("HSET Architect's progress", () -> r.hset(NAMES.progress("Architect_Zero"), "seq", "0"));
            assertNoPerm("HINCRBY Architect's usage", () -> r.hincrby(NAMES.usage("Architect_Zero"),
                    "Architect_Zero|m|calls", 1000));
            assertNoPerm("the progress script on Architect's key", () -> r.eval(
                    "return redis.call('HSET', KEYS[1], 'seq', '0')", io.lettuce.core.ScriptOutputType.INTEGER,
                    NAMES.progress("Architect_Zero")));
            assertNoPerm("HSET the legacy shared progress hash", () -> r.hset(NAMES.progress(), "Architect_Zero", "0"));
            assertNoPerm("HINCRBY the legacy shared usage hash", () -> r.hincrby(NAMES.usage(), "QA_Tester|m|calls",
                    1));
            assertThat(architect.redis().hget(NAMES.progress("Architect_Zero"), "seq")).isEqualTo("42");

            // its own keys it writes; everyone's it reads (the console's /cost, a restarted agent's resume)
            assertThat(r.hset(NAMES.progress("DevOps_Builder"), "seq", "7")).isTrue();
            assertThat(r.hincrby(NAMES.usage("DevOps_Builder"), "DevOps_Builder|m|calls", 1)).isEqualTo(1);
            assertThat(r.hget(NAMES.progress("Architect_Zero"), "seq")).isEqualTo("42");
            assertThat(r.hgetall(NAMES.usage("Architect_Zero"))).containsEntry("Architect_Zero|m|calls", "1");
            assertThat(r.hgetall(NAMES.progress())).isEmpty();
        }
        try (Conn user = connect("User")) {
            assertThat(user.redis().hgetall(NAMES.usage("DevOps_Builder"))).containsEntry("DevOps_Builder|m|calls", "1");
            assertNoPerm("User HSET a role's progress", () -> user.redis().hset(NAMES.progress("QA_Tester"), "seq",
                    "0"));
        }
    }

    @Test
    void onlyTheUserClearsAndTheUserWritesNoHeartbeat() throws Exception {
        try (Conn user = connect("User")) {
            user.redis().rpush(NAMES.history(), "x");
            assertThat(user.redis().del(NAMES.history(), NAMES.requirements())).isGreaterThanOrEqualTo(1);
            assertThat(user.redis().set(NAMES.sessionEpoch(), "{\"clear\":1}")).isEqualTo("OK");
            assertNoPerm("User SET chat_seq", () -> user.redis().set(NAMES.sequence(), "1"));
            assertNoPerm("User SET a role's heartbeat", () -> user.redis().set(NAMES.status("QA_Tester"), "{}"));
            assertThat(user.redis().get(NAMES.status("QA_Tester"))).isNull();
        }
        for (String role : List.of("Architect_Zero", "Security_Sentinel", "QA_Tester")) {
            try (Conn agent = connect(role)) {
                assertNoPerm(role + " DEL chat_history", () -> agent.redis().del(NAMES.history()));
                assertNoPerm(role + " SET DevOps's heartbeat", () -> agent.redis().set(NAMES.status("DevOps_Builder"),
                        "{}"));
            }
        }
    }
}
