package dev.minilab.runtime.faults;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.KeyRing;
import dev.minilab.runtime.security.MessageSigner;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 4's fuzz test: 10,000 random and malformed payloads on {@code agent_channel} (bad JSON, missing fields,
 * wrong types, huge content, odd unicode, forged signatures) with valid signed traffic mixed in. The agent's listener
 * must stay alive, its heap stable, and every valid message must be handled exactly once.
 */
class BusFuzzIT {

    private static final int PAYLOADS = 10_000;
    private static final int VALID_EVERY = 1_000;
    private static final long SEED = 20261122L;

    @TempDir
    Path keys;

    @TempDir
    Path docs;

    @Test
    void tenThousandMalformedPayloadsLeaveTheAgentAliveWithStableHeapAndValidTrafficServed() throws Exception {
        KeyGenerator.generate(keys, List.of("Architect_Zero", "DevOps_Builder", "User"));
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withPassword("fuzz-pw")
                .withStrategies(RedisServer.Kind.PROCESS));
             ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero valid one handled"));
            try (Team.RunningAgent devops = Team.startAgent("DevOps_Builder", redis, llm, guard("DevOps_Builder"),
                    docs);
                 Team.Client architect = Team.Client.connect(redis, guard("Architect_Zero"))) {
                architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder valid-0 warm-up"));
                await().atMost(Duration.ofSeconds(10)).until(() -> Team.turnsFor(llm, "DevOps_Builder", "valid-0") == 1);
                long heapBefore = usedHeapAfterGc();

                RedisClient raw = RedisClient.create(redis.uri());
                Fuzz fuzz = new Fuzz(new SplittableRandom(SEED), signer("DevOps_Builder"));
                int validSent = 0;
                long bytesSent = 0;
                Instant start = Instant.now();
                try (StatefulRedisConnection<String, String> connection = raw.connect()) {
                    RedisAsyncCommands<String, String> async = connection.async();
                    List<RedisFuture<Long>> pending = new ArrayList<>();
                    String channel = redis.namespace() + "agent_channel";
                    for (int i = 1; i <= PAYLOADS; i++) {
                        if (i % VALID_EVERY == 0) {
                            validSent++;
                            architect.bus().publish(Message.chat("Architect_Zero",
                                    "@DevOps_Builder valid-" + validSent + " during the fuzz"));
                        }
                        String payload = fuzz.next(i);
                        bytesSent += payload.length();
                        pending.add(async.publish(channel, payload));
                        if (pending.size() >= 200) {
                            for (RedisFuture<Long> f : pending) {
                                f.get(10, TimeUnit.SECONDS);
                            }
                            pending.clear();
                        }
                    }
                    for (RedisFuture<Long> f : pending) {
                        f.get(10, TimeUnit.SECONDS);
                    }
                } finally {
                    raw.shutdown();
                }
                Duration sendTime = Duration.between(start, Instant.now());

                architect.bus().publish(Message.chat("Architect_Zero", "@DevOps_Builder valid-after the fuzz"));
                int expectedValid = validSent;
                await("valid traffic served after the fuzz").atMost(Duration.ofSeconds(60))
                        .until(() -> Team.turnsFor(llm, "DevOps_Builder", "valid-after") == 1);
                long heapAfter = usedHeapAfterGc();

                for (int v = 1; v <= expectedValid; v++) {
                    assertThat(Team.turnsFor(llm, "DevOps_Builder", "valid-" + v)).as("valid-" + v).isEqualTo(1);
                }
                assertThat(llm.requests()).as("no fuzz payload ever reached the model")
                        .noneMatch(r -> r.containsText("FUZZ-"));
                assertThat(devops.agent().queued()).isZero();
                long growth = heapAfter - heapBefore;
                System.out.printf("[BusFuzzIT] %d payloads (%d MB) sent in %d ms; %d valid messages handled once; "
                                + "used heap after GC: before %.1f MB, after %.1f MB, growth %.1f MB%n",
                        PAYLOADS, bytesSent / 1_000_000, sendTime.toMillis(), expectedValid + 2,
                        heapBefore / 1e6, heapAfter / 1e6, growth / 1e6);
                assertThat(growth).as("heap growth after 10,000 bad payloads").isLessThan(64L * 1024 * 1024);
            }
        }
    }

    private SignatureGuard guard(String sender) {
        return SignatureGuard.of(signer(sender));
    }

    private MessageSigner signer(String sender) {
        return MessageSigner.create(KeyRing.load(KeyGenerator.privateKeyFile(keys, sender),
                KeyGenerator.publicKeysDir(keys)), sender);
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(100);
        }
        return memory.getHeapMemoryUsage().getUsed();
    }

    /** Deterministic generator of hostile payloads; every one carries the marker FUZZ- somewhere it could leak. */
    private record Fuzz(SplittableRandom random, MessageSigner devopsKey) {

        String next(int i) {
            List<Supplier<String>> kinds = List.of(
                    () -> randomText(1 + random.nextInt(200)),                                        // not JSON
                    () -> "{\"sender\":\"User\",\"content\":\"FUZZ-" + i + " @DevOps_Builder",          // truncated
                    () -> "{\"content\":\"FUZZ-" + i + " @DevOps_Builder\"}",                          // no sender
                    () -> "{\"sender\":\"Architect_Zero\"}",                                            // no content
                    () -> "{\"sender\":42,\"content\":[\"FUZZ-" + i + "\"],\"timestamp\":{}}",          // wrong types
                    () -> "{\"sender\":\"Architect_Zero\",\"content\":\"FUZZ-" + i + " @DevOps_Builder\","
                            + "\"seq\":\"x\",\"to\":\"DevOps_Builder\",\"kind\":7}",                       // wrong types
                    () -> "[\"FUZZ-" + i + "\",null,1e999,-0,true]",                                    // not an object
                    () -> "\"FUZZ-" + i + "\"",
                    () -> "null",
                    () -> "{\"a\":".repeat(500) + "1" + "}".repeat(500),                              // deep nesting
                    () -> unsignedValid("FUZZ-" + i + " @DevOps_Builder " + randomText(50)),          // unsigned
                    () -> forgedSignature("FUZZ-" + i + " @DevOps_Builder please"),                   // wrong key
                    () -> unsignedValid("FUZZ-" + i + " @DevOps_Builder \u0000\uD800\u202E\uFEFF😀"
                            + randomText(20)),                                                       // odd unicode
                    () -> "{\"sender\":\"Architect_Zero\",\"content\":\"FUZZ-" + i + " @DevOps_Builder\","
                            + "\"timestamp\":\"yesterday\",\"signature\":\"" + "A".repeat(random.nextInt(300)) + "\"}");
            if (i % 1_000 == 500) {
                // huge: alternately just under and far over the 1,000,000-char payload cap
                int size = (i / 1_000) % 2 == 0 ? 900_000 : 2_000_000;
                return unsignedValid("FUZZ-" + i + " @DevOps_Builder " + "x".repeat(size));
            }
            return kinds.get(random.nextInt(kinds.size())).get();
        }

        private String unsignedValid(String content) {
            return "{\"id\":\"" + java.util.UUID.randomUUID() + "\",\"sender\":\"Architect_Zero\",\"content\":"
                    + com.fasterxml.jackson.databind.node.TextNode.valueOf(content) + ",\"timestamp\":\""
                    + Instant.now() + "\",\"kind\":\"chat\",\"to\":[]}";
        }

        private String forgedSignature(String content) {
            Message forged = Message.chat("Architect_Zero", content);
            String signature = "v2:" + devopsKey.sign(SignatureGuard.canonicalBytesV2(forged, false)).orElseThrow();
            return dev.minilab.runtime.bus.MessageCodec.encode(forged.withSignature(signature));
        }

        private String randomText(int length) {
            StringBuilder text = new StringBuilder(length);
            for (int k = 0; k < length; k++) {
                text.append((char) random.nextInt(0x20, 0x3000));
            }
            return text.toString();
        }
    }
}
