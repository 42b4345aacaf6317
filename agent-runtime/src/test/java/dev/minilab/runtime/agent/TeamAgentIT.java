package dev.minilab.runtime.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.bus.Addressing;
import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.bus.ThinkNote;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** Agents as in-process objects, each with its own bus connection, over a real Redis and a scripted LLM. */
@ExtendWith(RedisExtension.class)
class TeamAgentIT {

    private static final Addressing ADDRESSING = new Addressing(
            Set.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester"), "Architect_Zero");

    private final RedisServer redis;
    @TempDir
    Path docs;
    private BusKeys keys;
    private ScriptedLlmServer llm;
    private TeamBus observer;
    private final List<Message> channel = new CopyOnWriteArrayList<>();
    private final List<ThinkNote> thinkFeed = new CopyOnWriteArrayList<>();
    private final List<AutoCloseable> closeables = new ArrayList<>();

    TeamAgentIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeEach
    void setUp() {
        keys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        llm = ScriptedLlmServer.start();
        observer = TeamBus.connect(settings());
        observer.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                channel.add(message);
            }

            @Override
            public void onThink(ThinkNote note) {
                thinkFeed.add(note);
            }
        });
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
        observer.close();
        llm.close();
    }

    @Test
    void twoAgentsExchangeMessagesUntilTheArchitectFinishes() {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: make a file"))
                .reply(Reply.text("@DevOps_Builder please create docs/hello.md"));
        llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero created docs/hello.md"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("created docs/hello.md"))
                .reply(Reply.toolCall("finish_task", "{\"summary\":\"hello.md exists\"}"));
        agent("Architect_Zero", "User", true);
        agent("DevOps_Builder", "Architect_Zero", false);

        observer.publish(Message.chat("User", "make a file"));

        await().atMost(Duration.ofSeconds(15)).until(() -> chat().size() == 4);
        assertThat(chat()).extracting(m -> m.sender() + ": " + m.content()).containsExactly(
                "User: make a file",
                "Architect_Zero: @DevOps_Builder please create docs/hello.md",
                "DevOps_Builder: @Architect_Zero created docs/hello.md",
                "Architect_Zero: hello.md exists");
        assertThat(chat().getLast().to()).containsExactly("User");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    void messagesArrivingWhileBusyAreQueuedAndAllAnswered() {
        java.util.concurrent.CountDownLatch bothQueued = new java.util.concurrent.CountDownLatch(1);
        // job-1's answer waits until the test has seen job-2 and job-3 queued (a fixed 2 s delay raced their delivery
        // on loaded cores)
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("job-1")).reply(request -> {
            try {
                bothQueued.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return Reply.text("@Architect_Zero finished job-1");
        });
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("job-2"))
                .reply(Reply.text("@Architect_Zero finished job-2"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("job-3"))
                .reply(Reply.text("@Architect_Zero finished job-3"));
        TeamAgent devops = agent("DevOps_Builder", "Architect_Zero", false);

        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder job-1"));
        await().atMost(Duration.ofSeconds(15)).until(() -> llm.requests().size() == 1);
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder job-2"));
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder job-3"));
        await().atMost(Duration.ofSeconds(15)).until(() -> devops.queued() == 2);
        bothQueued.countDown();

        await().atMost(Duration.ofSeconds(15)).until(() -> from("DevOps_Builder").size() == 3);
        assertThat(from("DevOps_Builder")).extracting(Message::content).containsExactly(
                "@Architect_Zero finished job-1", "@Architect_Zero finished job-2", "@Architect_Zero finished job-3");
    }

    @Test
    void stopHaltsWithoutWaitingForTheModelAndTheLateAnswerIsNeverPublished() {
        llm.when(Rule.forRole("DevOps_Builder").delay(Duration.ofSeconds(30))).reply(Reply.text("LATE ANSWER"));
        TeamAgent devops = agent("DevOps_Builder", "Architect_Zero", false);
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder slow job"));
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder queued job"));
        await().atMost(Duration.ofSeconds(5)).until(() -> llm.requests().size() == 1);

        long stopAt = System.nanoTime();
        observer.publish(Message.control(ControlCommand.STOP));
        // The model holds its answer for 30 s: halting well before that means STOP did not wait for it. (No
        // sub-second bound: on two loaded cores delivery alone can take longer.)
        await().atMost(Duration.ofSeconds(15)).until(() -> statusFrom("DevOps_Builder").contains("halted"));
        Duration haltedAfter = Duration.ofNanos(System.nanoTime() - stopAt);

        assertThat(haltedAfter).isLessThan(Duration.ofSeconds(15));
        assertThat(devops.state()).isEqualTo(AgentState.HALTED);
        assertThat(devops.queued()).isZero();
        // That the answer, when it comes, is never published is anAnswerThatArrivesAfterStopIsDiscarded's job:
        // checking its absence here, long before the model's 30 s are up, could not fail.
        assertThat(statusFrom("DevOps_Builder")).containsExactly("halted");
        assertThat(llm.requests()).hasSize(1);
    }

    @Test
    void anAnswerThatArrivesAfterStopIsDiscarded() {
        java.util.concurrent.atomic.AtomicBoolean answered = new java.util.concurrent.atomic.AtomicBoolean();
        // The server answers only once the agent has halted: the answer always arrives after STOP, however slow the
        // machine (a fixed delay raced STOP's delivery on loaded cores).
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("slow job")).reply(request -> {
            await().atMost(Duration.ofSeconds(20)).until(() -> statusFrom("DevOps_Builder").contains("halted"));
            answered.set(true);
            return Reply.text("LATE ANSWER");
        });
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("fresh job")).reply(Reply.text("FRESH ANSWER"));
        agent("DevOps_Builder", "Architect_Zero", false);
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder slow job"));
        await().atMost(Duration.ofSeconds(10)).until(() -> llm.requests().size() == 1);

        observer.publish(Message.control(ControlCommand.STOP));
        await().atMost(Duration.ofSeconds(25)).untilTrue(answered);

        // A barrier instead of "nothing for a second": the next turn runs after the stopped one on the same worker,
        // so once its answer is out, the late answer would have been published before it.
        observer.publish(Message.chat("User", "go on"));
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder fresh job"));
        await().atMost(Duration.ofSeconds(20)).until(() -> !from("DevOps_Builder").isEmpty());
        assertThat(from("DevOps_Builder")).extracting(Message::content).containsExactly("FRESH ANSWER");
        assertThat(statusFrom("DevOps_Builder")).containsExactly("halted");
    }

    @Test
    void haltedAgentIgnoresTeammatesUntilTheUserWritesAgain() {
        llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero on it"));
        TeamAgent devops = agent("DevOps_Builder", "Architect_Zero", false);
        observer.publish(Message.control(ControlCommand.STOP));
        await().atMost(Duration.ofSeconds(15)).until(() -> devops.state() == AgentState.HALTED);

        // Ignored while halted: checked below once the fresh task (queued after it) has been answered, not by waiting
        // a fixed 800 ms here.
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder stale task from before STOP"));

        observer.publish(Message.chat("User", "new request"));
        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder fresh task"));

        await().atMost(Duration.ofSeconds(15)).until(() -> from("DevOps_Builder").size() == 1);
        assertThat(llm.requests()).singleElement().satisfies(r -> assertThat(r.lastMessage().content()).contains("fresh task"));
    }

    @Test
    void stepCapReportsToTheArchitectInsteadOfEndingSilently() {
        llm.when(Rule.forRole("DevOps_Builder")).reply(r -> Reply.toolCall("nothing_here", "{\"n\":" + r.index() + "}"));
        agent("DevOps_Builder", "Architect_Zero", false, new LoopSettings(2, 5, 3, 1000, false));

        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder loop forever"));

        await().atMost(Duration.ofSeconds(10)).until(() -> from("DevOps_Builder").size() == 1);
        Message report = from("DevOps_Builder").getFirst();
        assertThat(report.content()).startsWith("@Architect_Zero I reached the step limit (2 steps")
                .contains("Unknown tool").contains("execution_log_DevOps_Builder.md");
    }

    @Test
    void architectEscalatesToTheUserNotToItself() {
        llm.when(Rule.forRole("Architect_Zero")).reply(r -> Reply.toolCall("run_shell", "{\"n\":" + r.index() + "}"));
        agent("Architect_Zero", "User", true);

        observer.publish(Message.chat("User", "do something"));

        await().atMost(Duration.ofSeconds(10)).until(() -> from("Architect_Zero").size() == 1);
        Message escalation = from("Architect_Zero").getFirst();
        assertThat(escalation.to()).containsExactly("User");
        assertThat(escalation.content()).contains("3 tool calls failed in a row").contains("run_shell");
    }

    @Test
    void executionLogHasOneSectionPerTurnWithEachToolCall() throws Exception {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user")).reply(Reply.toolCall("no_such_tool", "{\"a\":1}"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool")).reply(Reply.text("@Architect_Zero tried"));
        agent("DevOps_Builder", "Architect_Zero", false);

        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder try the tool"));

        await().atMost(Duration.ofSeconds(10)).until(() -> from("DevOps_Builder").size() == 1);
        String md = Files.readString(docs.resolve("execution_log_DevOps_Builder.md"));
        assertThat(md).contains("## Turn 1").contains("from Architect_Zero").contains("> @DevOps_Builder try the tool")
                .contains("### no_such_tool").contains("- args: `{\"a\":1}`").contains("- status: ERROR")
                .contains("**Outcome: answered**");
        List<String> jsonl = Files.readAllLines(docs.resolve("execution_log_DevOps_Builder.jsonl"));
        assertThat(jsonl).hasSize(3);
        assertThat(jsonl.get(1)).contains("\"type\":\"tool\"").contains("\"tool\":\"no_such_tool\"")
                .contains("\"status\":\"ERROR\"");
    }

    @Test
    void aToolRunningLongerThanFiveSecondsPublishesProgressStatusLines() {
        Tool slow = new Tool() {
            @Override
            public ToolSpecification specification() {
                return ToolSpecification.builder().name("slow_apply").description("takes a while").build();
            }

            @Override
            public ToolResult execute(ToolArguments arguments, ToolContext context) {
                // runs until the 5 s progress line is out (a fixed 6.5 s raced the progress timer on loaded cores)
                long start = System.nanoTime();
                await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                        .until(() -> statusFrom("DevOps_Builder").contains("DevOps_Builder: slow_apply running, 5 s"));
                return ToolResult.ofProcess(0, Duration.ofNanos(System.nanoTime() - start), "applied");
            }
        };
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user")).reply(Reply.toolCall("slow_apply", "{}"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool")).reply(Reply.text("@Architect_Zero applied"));
        agent("DevOps_Builder", "Architect_Zero", LoopSettings.defaults(20, false), List.of(slow));

        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder apply"));

        await().atMost(Duration.ofSeconds(40)).until(() -> from("DevOps_Builder").size() == 1);
        assertThat(statusFrom("DevOps_Builder")).containsExactly("DevOps_Builder: slow_apply running, 5 s");
        assertThat(observer.history(10)).noneMatch(m -> m.content().contains("running, 5 s"));
    }

    @Test
    void inlineReasoningNeverReachesTheTeamAndItsMentionWakesNobody() {
        llm.when(Rule.forRole("DevOps_Builder"))
                .reply(Reply.text("<think>\nINLINE-THINK the user wants web1; maybe @QA_Tester should test it\n</think>"
                        + "\n\nvisible"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: check web1"))
                .reply(Reply.text("@QA_Tester please verify web1"));
        llm.when(Rule.forRole("QA_Tester")).reply(Reply.text("PASS web1"));
        agent("DevOps_Builder", "Architect_Zero", false);
        agent("QA_Tester", "Architect_Zero", false);
        agent("Architect_Zero", "User", true);

        observer.publish(Message.chat("Architect_Zero", "@DevOps_Builder build web1"));
        await().atMost(Duration.ofSeconds(15)).until(() -> from("DevOps_Builder").size() == 1);

        assertThat(from("DevOps_Builder").getFirst().content()).isEqualTo("visible");
        assertThat(observer.history(80)).extracting(Message::content).contains("visible")
                .noneMatch(content -> content.contains("INLINE-THINK"));
        await().atMost(Duration.ofSeconds(15)).until(() -> thinkFeed.stream().anyMatch(
                note -> note.sender().equals("DevOps_Builder") && note.content().contains("INLINE-THINK")));
        assertThat(thinkFeed).filteredOn(note -> note.content().contains("INLINE-THINK")).singleElement()
                .satisfies(note -> assertThat(note.content())
                        .isEqualTo("INLINE-THINK the user wants web1; maybe @QA_Tester should test it"));

        // QA_Tester handles its messages in order: had the think text's mention woken it, that turn would come first.
        observer.publish(Message.chat("User", "check web1"));
        await().atMost(Duration.ofSeconds(15)).until(() -> from("QA_Tester").size() == 1);

        assertThat(llm.requestsFor("QA_Tester")).singleElement()
                .satisfies(r -> assertThat(r.lastMessage().content()).contains("please verify web1"));
        assertThat(llm.requestsFor("Architect_Zero")).singleElement()
                .satisfies(r -> assertThat(r.containsText("[DevOps_Builder]: visible")).isTrue());
        assertThat(llm.requests()).hasSize(3).noneMatch(r -> r.containsText("INLINE-THINK"));
        assertThat(channel).noneMatch(m -> m.content().contains("INLINE-THINK"));
    }

    @Test
    void tokenUsageIsRecordedPerRoleAndModel() {
        llm.when(Rule.forRole("QA_Tester")).reply(Reply.text("@Architect_Zero PASS").withUsage(300, 20));
        agent("QA_Tester", "Architect_Zero", false);

        observer.publish(Message.chat("Architect_Zero", "@QA_Tester verify"));
        observer.publish(Message.chat("Architect_Zero", "@QA_Tester verify again"));

        await().atMost(Duration.ofSeconds(10)).until(() -> from("QA_Tester").size() == 2);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> "2".equals(observer.usage(List.of("QA_Tester")).get("QA_Tester|scripted-model|calls")));
        assertThat(observer.usage(List.of("QA_Tester"))).containsOnly(Map.entry("QA_Tester|scripted-model|input", "600"),
                Map.entry("QA_Tester|scripted-model|output", "40"), Map.entry("QA_Tester|scripted-model|calls", "2"));
    }

    private TeamAgent agent(String name, String escalateTo, boolean finish) {
        return agent(name, escalateTo, finish, LoopSettings.defaults(20, finish));
    }

    private TeamAgent agent(String name, String escalateTo, boolean finish, LoopSettings loopSettings) {
        return agent(name, escalateTo, loopSettings, List.of());
    }

    private TeamAgent agent(String name, String escalateTo, LoopSettings loopSettings, List<Tool> tools) {
        TeamBus bus = TeamBus.connect(settings());
        var model = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, "scripted-model",
                Duration.ofSeconds(60), 0));
        ReActLoop loop = new ReActLoop(name, model, "scripted-model", tools, loopSettings, s -> s);
        TeamAgent agent = new TeamAgent(new AgentSpec(name, "Test prompt for " + name, escalateTo, 80, "test"), bus,
                ADDRESSING, loop, new ExecutionLog(name, docs, s -> s), s -> s, new UsageMeter(bus, name));
        closeables.add(bus);
        closeables.add(agent);
        agent.start();
        return agent;
    }

    private BusSettings settings() {
        return new BusSettings(redis.uri(), 80, keys, Duration.ofSeconds(5));
    }

    private List<Message> chat() {
        return channel.stream().filter(m -> m.kind() == MessageKind.CHAT).toList();
    }

    private List<Message> from(String sender) {
        return chat().stream().filter(m -> m.sender().equals(sender)).toList();
    }

    private List<String> statusFrom(String sender) {
        return channel.stream().filter(m -> m.kind() == MessageKind.STATUS && m.sender().equals(sender))
                .map(Message::content).toList();
    }
}
