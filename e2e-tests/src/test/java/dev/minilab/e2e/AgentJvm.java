package dev.minilab.e2e;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One agent JVM as the e2e tests and the bench start it: the agent jar this checkout built, either through the real
 * launcher ({@code ./minilab agent <Role>}) or directly ({@code java -jar}) with the launcher's own agent JVM options
 * and AOT cache, always in an environment cleaned of the developer's settings (no OPENAI_*, REDIS_*, LLM_*,
 * MINILAB_*, SSH_*, AGENT_*, JAVA_TOOL*), so only what the caller gives reaches the agent.
 *
 * <p>The agent's AOT cache (what {@code ./minilab build} trains next to the jar, JDK 25+) is trained once per jar
 * before the first agent starts: a build by {@code ./mvnw verify} has none, and each of the ~30 agent JVMs the e2e
 * tests start would otherwise load and link its ~7,000 classes from scratch on a 2-core machine.
 */
public final class AgentJvm {

    private static final List<String> FOREIGN = List.of("OPENAI_", "REDIS_", "LLM_", "MINILAB_", "SSH_", "AGENT_",
            "JAVA_TOOL");
    private static final Pattern AGENT_JVM_OPTS = Pattern.compile("(?m)^AGENT_JVM_OPTS=\"([^\"]*)\"");
    private static volatile boolean cacheChecked;

    private AgentJvm() {
    }

    /** The checkout's root: the folder with {@code ./minilab} and {@code prompts/} above the working directory. */
    public static Path repo() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isExecutable(dir.resolve("minilab")) && Files.isDirectory(dir.resolve("prompts"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("cannot find the MiniLab checkout (a folder with ./minilab and prompts/) "
                + "above " + Path.of("").toAbsolutePath());
    }

    /** The agent jar the agents module's package phase built. */
    public static Path jar() {
        Path jar = repo().resolve("agents/target/minilab-agent.jar");
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: the agents module's package phase builds it (run "
                    + "./mvnw verify, or ./mvnw -DskipTests package)");
        }
        return jar;
    }

    /** {@code ./minilab agent role} in {@code workspace}, with only {@code env} added to a clean environment. */
    public static ProcessBuilder throughLauncher(String role, Path workspace, Map<String, String> env) {
        ensureCache();
        return clean(new ProcessBuilder(repo().resolve("minilab").toString(), "agent", role), workspace, env);
    }

    /**
     * {@code java <the launcher's agent JVM options and AOT cache> -jar minilab-agent.jar role} in {@code workspace},
     * with only {@code env} added to a clean environment (no keys unless {@code env} names them).
     */
    public static ProcessBuilder direct(String role, Path workspace, Map<String, String> env) {
        ensureCache();
        List<String> command = new ArrayList<>();
        command.add(java());
        command.addAll(jvmOptions());
        command.addAll(List.of("-jar", jar().toString(), role));
        return clean(new ProcessBuilder(command), workspace, env);
    }

    /**
     * The settings of a directly started agent on {@code redisUri} (keys under {@code keyPrefix}) answering through the
     * scripted LLM, in the workspace {@code ws} with its prompts folder. Callers add to a copy.
     */
    public static Map<String, String> env(String redisUri, String keyPrefix, ScriptedLlmServer llm, TempWorkspace ws) {
        Map<String, String> env = new HashMap<>();
        env.put("REDIS_URL", redisUri);
        env.put("MINILAB_KEY_PREFIX", keyPrefix);
        env.put("OPENAI_API_BASE", llm.baseUrl());
        env.put("OPENAI_API_KEY", "test-key");
        env.put("LLM_MODEL", ScriptedLlmServer.DEFAULT_MODEL);
        env.put("LLM_MAX_RETRIES", "0");
        env.put("MINILAB_WORKSPACE", ws.root().toString());
        env.put("MINILAB_PROMPTS", ws.prompts().toString());
        return env;
    }

    /**
     * Starts {@code builder} (output to {@code log}) and waits until it printed {@code <role> ready}. A slow start is
     * not what the callers test: {@code timeout} is an upper bound for a loaded 2-core machine.
     */
    public static ChildProcess startReady(ProcessBuilder builder, String role, Path log, Duration timeout) {
        ChildProcess agent = ChildProcess.start(builder, log);
        try {
            agent.awaitOutput(role + " ready", timeout);
            return agent;
        } catch (RuntimeException e) {
            agent.close();
            throw e;
        }
    }

    /** The agent JVM options of the launcher ({@code AGENT_JVM_OPTS} in ./minilab) and its AOT cache when there is one. */
    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        try {
            Matcher m = AGENT_JVM_OPTS.matcher(Files.readString(repo().resolve("minilab")));
            if (!m.find()) {
                throw new IllegalStateException("./minilab no longer sets AGENT_JVM_OPTS=\"...\"; update AgentJvm");
            }
            options.addAll(List.of(m.group(1).trim().split("\\s+")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path aot = aotCache();
        if (Runtime.version().feature() >= 25 && Files.isRegularFile(aot)) {
            options.addAll(List.of("-XX:AOTCache=" + aot, "-Xlog:aot=off", "-Xlog:cds=off"));
        }
        return options;
    }

    /**
     * Trains the agent's AOT cache next to the jar as {@code ./minilab build} does (same JVM options, same training
     * main), unless a cache newer than the jar is there or the JDK is older than 25 (then agents start without one,
     * as the launcher's would). A failed training leaves no cache: agents then start without it.
     */
    public static synchronized void ensureCache() {
        if (cacheChecked) {
            return;
        }
        cacheChecked = true;
        Path jar = jar();
        Path aot = aotCache();
        try {
            if (Runtime.version().feature() < 25 || (Files.isRegularFile(aot)
                    && Files.getLastModifiedTime(aot).compareTo(Files.getLastModifiedTime(jar)) > 0)) {
                return;
            }
            Files.deleteIfExists(aot);
            List<String> command = new ArrayList<>();
            command.add(java());
            command.addAll(jvmOptions());
            command.addAll(List.of("-XX:AOTCacheOutput=" + aot, "-Xlog:aot=warning", "-cp", jar.toString(),
                    "dev.minilab.agents.AotTraining"));
            Path log = repo().resolve("e2e-tests/target/aot-training.log");
            Files.createDirectories(log.getParent());
            try (ChildProcess training = ChildProcess.start(new ProcessBuilder(command), log)) {
                int code = training.awaitExit(Duration.ofSeconds(300));
                if (code != 0) {
                    Files.deleteIfExists(aot);
                    System.out.println("AgentJvm: the AOT training run failed (exit " + code + ", see " + log
                            + "); agents start without a cache");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path aotCache() {
        String jar = jar().toString();
        return Path.of(jar.substring(0, jar.length() - ".jar".length()) + ".aot");
    }

    private static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString());
    }

    /** Runs {@code builder} in {@code dir} with only {@code env} added to the environment cleaned of foreign settings. */
    static ProcessBuilder clean(ProcessBuilder builder, Path dir, Map<String, String> env) {
        builder.directory(dir.toFile());
        builder.environment().keySet().removeIf(name -> FOREIGN.stream().anyMatch(name::startsWith));
        builder.environment().putAll(env);
        return builder;
    }
}
