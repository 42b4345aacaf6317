package dev.minilab.agents.guardrails;

import dev.minilab.agents.AgentAssembly;
import dev.minilab.agents.Role;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.discipline.DisciplineKeys;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Agents wired exactly as the agent main wires them ({@link AgentAssembly#assembleWithGuardrails}), each with its
 * own bus connection, on a real Redis under a fresh key prefix, talking to a scripted LLM; plus an observer that
 * records the channel and can publish as anyone (the team runs unsigned here).
 */
final class GuardedTeam implements AutoCloseable {

    final BusKeys keys;
    final TeamBus observer;
    final List<Message> channel = new CopyOnWriteArrayList<>();
    final Map<Role, AgentAssembly.Assembled> agents = new EnumMap<>(Role.class);
    private final RedisServer redis;
    private final ScriptedLlmServer llm;
    private final Path workspace;
    private final Map<String, String> env;
    private final String model;
    private final int historyWindow;
    private final List<AutoCloseable> closeables = new ArrayList<>();

    GuardedTeam(RedisServer redis, ScriptedLlmServer llm, Path workspace, Map<String, String> settings, String model) {
        this.redis = redis;
        this.llm = llm;
        this.workspace = workspace;
        this.model = model;
        this.keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        try {
            for (String dir : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp")) {
                Files.createDirectories(workspace.resolve(dir));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.env = new HashMap<>(settings);
        env.putIfAbsent("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("MINILAB_WORKSPACE", workspace.toString());
        this.historyWindow = Integer.parseInt(env.getOrDefault("HISTORY_WINDOW", "80"));
        this.observer = TeamBus.connect(busSettings());
        observer.subscribe(channel::add);
    }

    /** Starts {@code role} with the team's settings. */
    AgentAssembly.Assembled start(Role role) {
        TeamBus bus = TeamBus.connect(busSettings());
        var chatModel = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, model,
                Duration.ofSeconds(60), 0));
        MiniLabConfig config = MiniLabConfig.from(env, workspace);
        AgentAssembly.Assembled assembled = AgentAssembly.assembleWithGuardrails(role, config,
                "Test prompt of " + role.displayName() + ".", bus, chatModel, model);
        closeables.add(bus);
        closeables.add(assembled.agent());
        assembled.agent().start();
        agents.put(role, assembled);
        return assembled;
    }

    TeamAgent agent(Role role) {
        return agents.get(role).agent();
    }

    BusSettings busSettings() {
        return new BusSettings(redis.uri(), historyWindow, keys, Duration.ofSeconds(5));
    }

    Message publish(Message message) {
        return observer.publish(message);
    }

    List<Message> chat() {
        return channel.stream().filter(m -> m.kind() == MessageKind.CHAT).toList();
    }

    /** Chat messages of agents to agents (not the User's, not those addressed to the User only). */
    List<Message> agentToAgent() {
        return chat().stream().filter(m -> !m.isFromUser())
                .filter(m -> m.to().isEmpty() || !m.to().equals(List.of(Message.USER))).toList();
    }

    /** Chat messages addressed to the User only. */
    List<Message> toUser() {
        return chat().stream().filter(m -> m.to().equals(List.of(Message.USER))).toList();
    }

    List<String> statusLines() {
        return channel.stream().filter(m -> m.kind() == MessageKind.STATUS).map(Message::content).toList();
    }

    /** Hash request_state as Redis holds it. */
    Map<String, String> requestState() {
        return observer.commands().hgetall(DisciplineKeys.of(keys).requestState());
    }

    /** Everything {@code role} wrote in its execution log. */
    String executionLog(Role role) {
        try {
            Path md = workspace.resolve("docs/execution_log_" + role.displayName() + ".md");
            return Files.exists(md) ? Files.readString(md) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        observer.close();
    }
}
