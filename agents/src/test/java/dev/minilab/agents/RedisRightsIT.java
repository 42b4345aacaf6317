package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.BusFunctions;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import io.lettuce.core.FlushMode;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
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
        // what `./minilab up` and the Compose one-shot bus-functions run: the library, loaded as the User
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        assertThat(FunctionsMain.run(dev.minilab.runtime.config.MiniLabConfig.from(java.util.Map.of(
                "REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(port), "REDIS_USERNAME", "user",
                "REDIS_PASSWORD", Files.readString(keys.resolve("redis/User.password")).strip()), keys),
                new java.io.PrintStream(out, true), System.err)).isZero();
        assertThat(out.toString()).contains("loaded   Redis function library minilab version " + BusFunctions.VERSION);
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
            assertNoPerm("a script on Architect's key", () -> r.eval(
                    "return redis.call('HSET', KEYS[1], 'seq', '0')", ScriptOutputType.INTEGER,
                    NAMES.progress("Architect_Zero")));
            assertNoPerm("the progress function on Architect's key", () -> r.fcall("minilab_progress",
                    ScriptOutputType.INTEGER, new String[] {NAMES.progress("Architect_Zero"), NAMES.sequence()}, "0"));
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

    /**
     * Issue 17, availability: a stolen agent password runs no code of its own (no EVAL, no SCRIPT, no FUNCTION) and
     * cannot move a counter to a value of its choosing; the library stays as the User loaded it.
     */
    @Test
    void aStolenAgentPasswordRunsNoCodeAndCannotSetACounter() throws Exception {
        try (Conn devops = connect("QA_Tester")) {
            RedisCommands<String, String> r = devops.redis();
            assertNoPerm("EVAL a busy loop", () -> r.eval("while true do end", ScriptOutputType.INTEGER));
            assertNoPerm("EVALSHA", () -> r.evalsha("0123456789012345678901234567890123456789",
                    ScriptOutputType.INTEGER));
            assertNoPerm("SCRIPT LOAD", () -> r.scriptLoad("return 1"));
            assertNoPerm("SCRIPT FLUSH", r::scriptFlush);
            assertNoPerm("FUNCTION LOAD REPLACE", () -> r.functionLoad(BusFunctions.source(), true));
            assertNoPerm("FUNCTION FLUSH", () -> r.functionFlush(FlushMode.SYNC));
            assertNoPerm("FUNCTION DELETE", () -> r.dispatch(CommandType.FUNCTION,
                    new StatusOutput<>(StringCodec.UTF8), new CommandArgs<>(StringCodec.UTF8).add("DELETE")
                            .add(BusFunctions.LIBRARY)));
            assertNoPerm("SET chat_seq", () -> r.set(NAMES.sequence(), "9223372036854775807"));
            assertNoPerm("INCRBY chat_seq", () -> r.incrby(NAMES.sequence(), 9_000_000_000_000_000_000L));
            assertNoPerm("DEL chat_seq", () -> r.del(NAMES.sequence()));
            assertNoPerm("INCRBY chat_published_seq", () -> r.incrby(NAMES.publishedSequence(), 1000));
            assertNoPerm("HINCRBY its own progress", () -> r.hincrby(NAMES.progress("QA_Tester"), "seq", 1000));
            assertNoPerm("DEL its own progress", () -> r.del(NAMES.progress("QA_Tester")));
            assertNoPerm("SET its own lease hash", () -> r.set(NAMES.leases("QA_Tester"), "x"));
            assertNoPerm("take Architect's lease", () -> r.fcall("minilab_lease_take", ScriptOutputType.MULTI,
                    new String[] {NAMES.leases("Architect_Zero")}, "Architect_Zero", "thief", "60000"));
            assertNoPerm("HSET Architect's lease", () -> r.hset(NAMES.leases("Architect_Zero"), "Architect_Zero",
                    "thief|99999999999999"));
            assertNoPerm("HSET the legacy shared lease hash", () -> r.hset(NAMES.leases(), "Architect_Zero", "x"));
            assertNoPerm("mark a control id handled for Architect", () -> r.sadd(
                    NAMES.handledControls("Architect_Zero"), "Architect_Zero|stop-id"));
            assertNoPerm("SADD the legacy shared control set", () -> r.sadd(NAMES.handledControls(),
                    "Architect_Zero|stop-id"));
            assertNoPerm("LTRIM chat_history", () -> r.ltrim(NAMES.history(), 1, 0));
            assertNoPerm("LPOP chat_history", () -> r.lpop(NAMES.history()));
            assertNoPerm("DEL user_requirements", () -> r.del(NAMES.requirements()));
            // the counter moves by one at a time only
            long before = r.incr(NAMES.sequence());
            assertThat(r.incr(NAMES.sequence())).isEqualTo(before + 1);
            assertThat(BusFunctions.loadedVersion(r)).contains(BusFunctions.VERSION);
        }
    }

    /** Issue 17: the functions refuse arguments no genuine caller sends (a seq never handed out, absurd counts). */
    @Test
    void theFunctionsRefuseOutOfRangeArguments() throws Exception {
        try (Conn qa = connect("QA_Tester")) {
            RedisCommands<String, String> r = qa.redis();
            long seq = r.fcall("minilab_reserve", ScriptOutputType.INTEGER, new String[] {NAMES.sequence()},
                    new String[0]);
            String[] appendKeys = {NAMES.history(), NAMES.history(), NAMES.publishedSequence(), NAMES.sequence()};
            assertRefused("append with a seq above chat_seq", () -> r.fcall("minilab_append", ScriptOutputType.MULTI,
                    appendKeys, NAMES.channel(), "{}", "9223372036854775807", "id-1", "80", "1", "200", "0"));
            assertRefused("append with seq 0", () -> r.fcall("minilab_append", ScriptOutputType.MULTI, appendKeys,
                    NAMES.channel(), "{}", "0", "id-1", "80", "1", "200", "0"));
            assertRefused("append with a window of a billion", () -> r.fcall("minilab_append",
                    ScriptOutputType.MULTI, appendKeys, NAMES.channel(), "{}", String.valueOf(seq), "id-1",
                    "1000000000", "1", "200", "0"));
            String[] progressKeys = {NAMES.progress("QA_Tester"), NAMES.sequence()};
            assertRefused("progress above chat_seq", () -> r.fcall("minilab_progress", ScriptOutputType.INTEGER,
                    progressKeys, String.valueOf(seq + 1_000_000)));
            assertRefused("negative progress", () -> r.fcall("minilab_progress", ScriptOutputType.INTEGER,
                    progressKeys, "-1"));
            assertRefused("negative tokens", () -> r.fcall("minilab_usage", ScriptOutputType.INTEGER,
                    new String[] {NAMES.usage("QA_Tester")}, "QA_Tester|m", "-5", "1"));
            assertRefused("a trillion tokens", () -> r.fcall("minilab_usage", ScriptOutputType.INTEGER,
                    new String[] {NAMES.usage("QA_Tester")}, "QA_Tester|m", "1000000000000", "1"));
            assertRefused("a lease of a year", () -> r.fcall("minilab_lease_take", ScriptOutputType.MULTI,
                    new String[] {NAMES.leases("QA_Tester")}, "QA_Tester", "me", "31536000000"));
            assertRefused("a request seq never handed out", () -> r.fcall("minilab_request_start",
                    ScriptOutputType.INTEGER, new String[] {"request_state", NAMES.sequence()},
                    "9223372036854775807", "id"));
            assertThat(r.hget(NAMES.progress("QA_Tester"), "seq")).isNull();
            assertThat(r.hgetall(NAMES.usage("QA_Tester"))).isEmpty();
            // in range they work
            assertThat((Long) r.fcall("minilab_progress", ScriptOutputType.INTEGER, progressKeys,
                    String.valueOf(seq))).isEqualTo(1L);
            assertThat(r.hget(NAMES.progress("QA_Tester"), "seq")).isEqualTo(String.valueOf(seq));
        }
    }

    /**
     * Agents may SET chat_published_seq (the one command that raises it to a reserved seq): a forged value above
     * chat_seq is ignored by the functions, so the team goes on publishing, and the next publish repairs it.
     */
    @Test
    void aForgedPublishedSeqDoesNotStopPublishing() throws Exception {
        String password = Files.readString(keys.resolve("redis/Security_Sentinel.password")).strip();
        BusSettings settings = new BusSettings("redis://security_sentinel:" + password + "@127.0.0.1:" + port, 80,
                NAMES, Duration.ofSeconds(5));
        try (Conn attacker = connect("DevOps_Builder"); TeamBus bus = TeamBus.connect(settings)) {
            assertThat(attacker.redis().set(NAMES.publishedSequence(), "9223372036854775807")).isEqualTo("OK");

            Message sent = bus.publish(Message.chat("Security_Sentinel", "@QA_Tester still publishing"));

            assertThat(bus.history(80)).extracting(Message::id).contains(sent.id());
            assertThat(attacker.redis().get(NAMES.publishedSequence())).isEqualTo(String.valueOf(sent.seq()));
        }
        try (Conn user = connect("User")) {
            user.redis().del(NAMES.history()); // the other tests start from an empty history
        }
    }

    private static void assertRefused(String what, ThrowingCallable call) {
        assertThatThrownBy(call).as(what).hasMessageContaining("minilab:");
    }
}
