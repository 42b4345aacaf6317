package dev.minilab.bench;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * What every benchmark shares: a redis-server child on a free port, the scripted LLM server, signing keys for the four
 * roles and the User, a temporary workspace and a bus connection that publishes as the User.
 */
final class Lab implements AutoCloseable {

    static final List<String> ROLES = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester");

    final Path repo;
    final Path root;
    final RedisServer redis;
    final ScriptedLlmServer llm;
    final Path keys;
    final TeamBus user;
    private final Map<String, String> extraEnv;
    private final List<AgentProcess> agents = new ArrayList<>();
    private int workspaces;

    Lab(Path repo, Map<String, String> extraEnv) throws IOException {
        this.repo = repo;
        this.extraEnv = Map.copyOf(extraEnv);
        // Under target/ and kept after the run: the agents' logs are there to read when a figure looks wrong.
        this.root = repo.resolve("e2e-tests/target/bench-run");
        deleteTree(root);
        Files.createDirectories(root);
        this.keys = root.resolve("keys");
        List<String> senders = new ArrayList<>(ROLES);
        senders.add("User");
        KeyGenerator.generate(keys, senders);
        this.redis = RedisServer.start(RedisServer.Options.defaults().withStrategies(RedisServer.Kind.PROCESS));
        this.llm = ScriptedLlmServer.start();
        this.user = bus("User");
    }

    /** A bus connection signing as {@code sender}. */
    TeamBus bus(String sender) {
        Map<String, String> env = keyEnv(sender);
        return TeamBus.connect(new BusSettings(redis.uri(), BusSettings.DEFAULT_HISTORY_WINDOW, new BusKeys(""),
                BusSettings.DEFAULT_COMMAND_TIMEOUT), SignatureGuard.fromEnv(env, sender));
    }

    Map<String, String> keyEnv(String sender) {
        return Map.of("MINILAB_KEYS_DIR", keys.toString(),
                "MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, sender).toString(),
                "MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString());
    }

    /** Publishes a chat message as the User. */
    Message say(String text) {
        return user.publish(Message.chat("User", text));
    }

    /** A fresh workspace folder (each scenario gets its own docs/ and logs/). */
    Path newWorkspace() {
        Path ws = root.resolve("ws" + (++workspaces));
        try {
            Files.createDirectories(ws.resolve("docs"));
            Files.createDirectories(ws.resolve("generated_iac/config"));
            Files.createDirectories(ws.resolve("generated_iac/infra"));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return ws;
    }

    /** Starts {@code roles} at once through the launcher in {@code workspace}; does not wait for them. */
    List<AgentProcess> start(Path workspace, Map<String, String> env, String... roles) {
        List<AgentProcess> started = new ArrayList<>();
        for (String role : roles) {
            Map<String, String> all = new HashMap<>();
            all.put("HOME", root.resolve("home").toString());
            all.put("MINILAB_WORKSPACE", workspace.toString());
            all.put("REDIS_URL", redis.uri());
            all.put("OPENAI_API_BASE", llm.baseUrl());
            all.put("OPENAI_API_KEY", "sk-bench-not-a-real-key");
            all.put("LLM_MODEL", ScriptedLlmServer.DEFAULT_MODEL);
            all.put("LLM_MAX_RETRIES", "0");
            String javaOpts = System.getenv("MINILAB_BENCH_JAVA_OPTS");
            if (javaOpts != null) {
                all.put("MINILAB_JAVA_OPTS", javaOpts.replace("{role}", role));
            }
            all.putAll(keyEnv(role));
            all.putAll(extraEnv);
            all.putAll(env);
            AgentProcess agent = AgentProcess.start(workspace, role, all);
            started.add(agent);
            agents.add(agent);
        }
        return started;
    }

    /** Stops agents this lab started and forgets them. */
    void stop(List<AgentProcess> some) {
        some.parallelStream().forEach(AgentProcess::close);
        agents.removeAll(some);
    }

    /** Empties Redis and the LLM script between scenarios. */
    void reset() {
        redis.command("FLUSHALL");
        llm.reset();
    }

    static void awaitAll(List<AgentProcess> agents, Duration timeout) throws InterruptedException {
        for (AgentProcess agent : agents) {
            agent.awaitReady(timeout);
        }
    }

    @Override
    public void close() {
        stop(List.copyOf(agents));
        user.close();
        llm.close();
        redis.close();
    }

    private static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
        }
    }
}
