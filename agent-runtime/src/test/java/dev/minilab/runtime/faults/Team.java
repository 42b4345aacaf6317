package dev.minilab.runtime.faults;

import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.runtime.agent.AgentHooks;
import dev.minilab.runtime.agent.AgentSpec;
import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.Addressing;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Builds real agents and clients on a real Redis for the fault tests; the LLM is the scripted server. */
final class Team {

    static final Addressing ADDRESSING = new Addressing(
            Set.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester"), "Architect_Zero");
    static final int WINDOW = 400;
    private static final Pattern TASK = Pattern.compile("(task-\\d+) ");

    private Team() {
    }

    static BusSettings settings(RedisServer redis) {
        return new BusSettings(redis.uri(), WINDOW, new BusKeys(redis.namespace()), Duration.ofSeconds(10));
    }

    /** One agent: its own bus connection and a TeamAgent; closing it is a crash-like stop (no progress saved). */
    record RunningAgent(String name, TeamBus bus, TeamAgent agent, Queue<Instant> reconnects) implements AutoCloseable {
        @Override
        public void close() {
            agent.close();
            bus.close();
        }
    }

    static RunningAgent startAgent(String name, RedisServer redis, ScriptedLlmServer llm, MessageGuard guard,
                                   Path docs) {
        return startAgent(name, settings(redis), llm, guard, docs, null, AgentHooks.NONE);
    }

    /**
     * As above, on {@code settings}, with {@code first} registered on the agent's bus before the agent (it sees
     * every delivery, and every reconnect, just before the agent does) and the agent's {@code hooks}.
     */
    static RunningAgent startAgent(String name, BusSettings settings, ScriptedLlmServer llm, MessageGuard guard,
                                   Path docs, BusListener first, AgentHooks hooks) {
        return startAgent(name, settings, llm, guard, docs, first, hooks, UnaryOperator.identity());
    }

    /**
     * As above, with the team's guardrails both as hooks and around the model ({@code GuardedChatModel}, as the agents'
     * assembly wires them), their mid-turn retries reported in the agent's heartbeat.
     */
    static RunningAgent startGuardedAgent(String name, BusSettings settings, ScriptedLlmServer llm, MessageGuard guard,
                                          Path docs, dev.minilab.runtime.discipline.TeamDiscipline discipline) {
        RunningAgent running = startAgent(name, settings, llm, guard, docs, null, discipline,
                model -> new dev.minilab.runtime.discipline.GuardedChatModel(model, ScriptedLlmServer.DEFAULT_MODEL,
                        discipline));
        discipline.reportRetriesTo(running.agent()::guardrailReadRetrying);
        return running;
    }

    private static RunningAgent startAgent(String name, BusSettings settings, ScriptedLlmServer llm,
                                           MessageGuard guard, Path docs, BusListener first, AgentHooks hooks,
                                           UnaryOperator<ChatModel> wrap) {
        TeamBus bus = TeamBus.connect(settings, guard);
        if (first != null) {
            bus.subscribe(first);
        }
        ChatModel model = wrap.apply(ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), "test-key",
                ScriptedLlmServer.DEFAULT_MODEL, Duration.ofSeconds(60), 0)));
        UnaryOperator<String> same = UnaryOperator.identity();
        ReActLoop loop = new ReActLoop(name, model, ScriptedLlmServer.DEFAULT_MODEL, List.of(),
                LoopSettings.defaults(10, false), same);
        TeamAgent agent = new TeamAgent(new AgentSpec(name, "Test prompt of " + name + ".",
                "Architect_Zero", 40, "test"), bus, ADDRESSING, loop, new ExecutionLog(name, docs, same), same, null,
                hooks);
        Queue<Instant> reconnects = new ConcurrentLinkedQueue<>();
        bus.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
            }

            @Override
            public void onReconnected() {
                reconnects.add(Instant.now());
            }
        });
        agent.start();
        return new RunningAgent(name, bus, agent, reconnects);
    }

    /** A client that publishes as {@code sender} and records everything it receives live. */
    record Client(TeamBus bus, Queue<Message> received) implements AutoCloseable {
        static Client connect(RedisServer redis, MessageGuard guard) {
            TeamBus bus = TeamBus.connect(settings(redis), guard);
            Queue<Message> received = new ConcurrentLinkedQueue<>();
            bus.subscribe(received::add);
            return new Client(bus, received);
        }

        List<Message> history() {
            return bus.history(WINDOW);
        }

        /**
         * Whether {@code agent}'s scripted answer to {@code task} ("done task-N ...") reached this client live (so
         * every message published before it has reached the client too).
         */
        boolean receivedAnswer(String agent, String task) {
            return received.stream()
                    .anyMatch(m -> m.sender().equals(agent) && m.content().contains("done " + task + " "));
        }

        /** How many "halted" statuses of {@code agent} reached this client live. */
        long receivedHalts(String agent) {
            return received.stream().filter(m -> m.sender().equals(agent) && m.kind() == MessageKind.STATUS
                    && m.content().startsWith("halted")).count();
        }

        /** The {@code bus} field of {@code agent}'s heartbeat ("catch-up retrying …"), empty when none. */
        String busStatus(String agent) {
            String json = bus.statuses(List.of(agent)).getOrDefault(agent, "{}");
            try {
                return new com.fasterxml.jackson.databind.ObjectMapper().readTree(json).path("bus").asText("");
            } catch (java.io.IOException e) {
                return "";
            }
        }

        @Override
        public void close() {
            bus.close();
        }
    }

    /**
     * Waits until {@code agent} has started a turn for a fresh barrier message sent by {@code client}: it handles its
     * queue in delivery order, so by then every message delivered before the barrier (and any duplicate of one) has
     * had its turn. Use it instead of a fixed sleep before asserting that something did NOT happen.
     */
    static void barrier(Client client, ScriptedLlmServer llm, String agent) {
        String marker = "barrier-" + java.util.UUID.randomUUID().toString().substring(0, 8);
        client.bus().publish(Message.chat("Architect_Zero", "@" + agent + " " + marker + " check"));
        org.awaitility.Awaitility.await("the barrier reached " + agent).atMost(Duration.ofSeconds(30))
                .until(() -> turnsFor(llm, agent, marker) == 1);
    }

    /** The task a scripted turn is for: "task-N" as named in its trigger (the last message), or "unknown". */
    static String taskIn(RecordedRequest request) {
        Matcher m = TASK.matcher(request.lastMessage().content());
        return m.find() ? m.group(1) : "unknown";
    }

    /** LLM requests that started a turn for the trigger containing {@code marker} (its last message). */
    static long turnsFor(ScriptedLlmServer llm, String agent, String marker) {
        return llm.requestsFor(agent).stream()
                .map(RecordedRequest::lastMessage)
                .filter(m -> m != null && "user".equals(m.role()) && m.content() != null
                        && m.content().contains(marker + " "))
                .count();
    }
}
