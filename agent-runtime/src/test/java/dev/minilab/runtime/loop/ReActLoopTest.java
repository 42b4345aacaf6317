package dev.minilab.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The ReAct loop against a scripted OpenAI-compatible server through the real langchain4j-open-ai client. */
class ReActLoopTest {

    private static final String ME = "DevOps_Builder";

    private ScriptedLlmServer llm;
    private final List<String> thinks = new CopyOnWriteArrayList<>();
    private final List<String> toolLog = new CopyOnWriteArrayList<>();
    private final List<String> toolArguments = new CopyOnWriteArrayList<>();
    private final List<TokenUsage> usages = new CopyOnWriteArrayList<>();
    private final TurnListener listener = new TurnListener() {
        @Override
        public void think(String text) {
            thinks.add(text);
        }

        @Override
        public void toolCalled(String tool, String arguments, ToolResult result) {
            toolLog.add(tool + " " + result.status());
            toolArguments.add(arguments);
        }

        @Override
        public void stillRunning(String tool, long seconds) {
        }

        @Override
        public void usage(String model, TokenUsage usage) {
            usages.add(usage);
        }
    };

    @BeforeEach
    void startLlm() {
        llm = ScriptedLlmServer.start();
    }

    @AfterEach
    void stopLlm() {
        llm.close();
    }

    @Test
    void textAnswerEndsTheTurn() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("@Architect_Zero all done").withUsage(120, 7));

        TurnOutcome outcome = loop(List.of(), false).run(context("build it"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("@Architect_Zero all done"));
        assertThat(usages).singleElement().satisfies(u -> {
            assertThat(u.inputTokenCount()).isEqualTo(120);
            assertThat(u.outputTokenCount()).isEqualTo(7);
        });
    }

    @Test
    void toolResultsGoBackToTheModelWithStatusAndExitCode() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ofProcess(0, Duration.ofMillis(3), "echoed"));
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("echo", "{\"value\":\"hi\"}"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("done"));

        TurnOutcome outcome = loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("done"));
        assertThat(echo.calls).containsExactly("{\"value\":\"hi\"}");
        String toolMessage = llm.requests().get(1).lastMessage().content();
        assertThat(toolMessage).contains("status: OK").contains("exit_code: 0").contains("echoed");
        assertThat(llm.requests().getFirst().toolNames()).containsExactly("echo");
    }

    @Test
    void unknownToolIsAnErrorThatNamesTheValidTools() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("x"));
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("request_security_audit", "{}"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("ok"));

        loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        String toolMessage = llm.requests().get(1).lastMessage().content();
        assertThat(toolMessage).contains("status: ERROR").contains("Unknown tool 'request_security_audit'")
                .contains("echo");
        assertThat(toolLog).containsExactly("request_security_audit ERROR");
    }

    @Test
    void threeFailedToolCallsInARowEscalateWithTheLastCalls() {
        var fail = ScriptedTools.tool("run", args -> ToolResult.ofProcess(2, Duration.ofMillis(1),
                "error: no such file " + args.optionalString("value").orElse("")));
        llm.when(Rule.forRole(ME)).reply(request -> Reply.toolCall("run",
                "{\"value\":\"attempt-" + request.index() + "\"}"));

        TurnOutcome outcome = loop(List.of(fail), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isInstanceOfSatisfying(TurnOutcome.Escalated.class, escalated -> {
            assertThat(escalated.reason()).contains("3 tool calls failed in a row");
            assertThat(escalated.lastCalls()).hasSize(3);
            assertThat(escalated.lastCalls().getLast().summaryLine()).contains("ERROR (exit 2)");
        });
        assertThat(fail.calls).hasSize(3);
    }

    @Test
    void aSuccessResetsTheFailureCount() {
        List<ToolResult> results = new ArrayList<>(List.of(ToolResult.error("e1"), ToolResult.error("e2"),
                ToolResult.ok("fine"), ToolResult.error("e3"), ToolResult.error("e4")));
        var flaky = ScriptedTools.tool("flaky", args -> results.removeFirst());
        llm.when(Rule.forRole(ME).times(5)).reply(r -> Reply.toolCall("flaky", "{\"value\":\"" + r.index() + "\"}"));
        llm.when(Rule.forRole(ME)).reply(Reply.text("gave up nicely"));

        TurnOutcome outcome = loop(List.of(flaky), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("gave up nicely"));
    }

    @Test
    void stepCapEndsTheTurnWithAReportNotSilence() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("again"));
        llm.when(Rule.forRole(ME)).reply(r -> Reply.toolCall("echo", "{\"value\":\"" + r.index() + "\"}"));

        TurnOutcome outcome = new ReActLoop(ME, model(), "scripted-model", List.of(echo),
                new LoopSettings(4, 3, 3, 1000, false), s -> s).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isInstanceOfSatisfying(TurnOutcome.StepCapReached.class, cap -> {
            assertThat(cap.steps()).isEqualTo(4);
            assertThat(cap.lastCalls()).hasSize(4);
        });
        assertThat(llm.requests()).hasSize(4);
    }

    @Test
    void identicalCallWithIdenticalResultThreeTimesIsReportedAsLooping() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("same"));
        llm.when(Rule.forRole(ME).times(3)).reply(Reply.toolCall("echo", "{\"value\":\"same\"}"));
        llm.when(Rule.forRole(ME)).reply(Reply.text("ok, changing approach"));

        loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        String third = llm.requests().get(3).lastMessage().content();
        assertThat(third).contains("status: ERROR").contains("you are looping");
        assertThat(llm.requests().get(2).lastMessage().content()).contains("status: OK");
    }

    @Test
    void finishTaskEndsTheTurnWithTheSummary() {
        llm.when(Rule.forRole(ME)).reply(Reply.toolCall("finish_task", "{\"summary\":\"VM web1 is up\"}"));

        TurnOutcome outcome = loop(List.of(), true).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Finished("VM web1 is up"));
        assertThat(llm.requests().getFirst().toolNames()).contains("finish_task");
    }

    @Test
    void finishTaskIsNotOfferedToOtherRolesAndATextMarkerDoesNotFinish() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("I saw [DONE] in the log, continuing"));

        TurnOutcome outcome = loop(List.of(), false).run(context("go"), Cancellation.create(), listener);

        assertThat(llm.requests().getFirst().toolNames()).doesNotContain("finish_task");
        assertThat(outcome).isInstanceOf(TurnOutcome.Answered.class);
    }

    @Test
    void reasoningAndStepNotesGoToThinkAndNeverBackToTheModel() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("ok"));
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("echo", "{}")
                .withText("STEP-NOTE let me check first").withReasoning("REASONING the key is sk-123"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("final"));

        loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        assertThat(thinks).anySatisfy(t -> assertThat(t).contains("REASONING"))
                .anySatisfy(t -> assertThat(t).contains("STEP-NOTE"));
        assertThat(llm.requests().get(1).bodyText()).doesNotContain("REASONING").doesNotContain("STEP-NOTE");
    }

    @Test
    void inlineReasoningInAnAnswerGoesToThinkAndOnlyTheVisibleTextIsTheAnswer() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("<think>\nINLINE-REASONING ask @QA_Tester\n</think>\n\nvisible"));

        TurnOutcome outcome = loop(List.of(), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("visible"));
        assertThat(thinks).containsExactly("INLINE-REASONING ask @QA_Tester");
    }

    @Test
    void anAnswerThatIsOnlyReasoningIsAnEmptyAnswer() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("<think>ONLY-REASONING and then the token limit"));

        TurnOutcome outcome = loop(List.of(), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered(""));
        assertThat(thinks).containsExactly("ONLY-REASONING and then the token limit");
    }

    @Test
    void inlineReasoningNextToToolCallsIsSplitAndNeverGoesBackToTheModel() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("ok"));
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("echo", "{}")
                .withText("<thinking>INLINE-REASONING first</thinking>STEP-NOTE checking"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("final"));

        TurnOutcome outcome = loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("final"));
        assertThat(thinks).containsExactly("INLINE-REASONING first", "STEP-NOTE checking");
        assertThat(llm.requests().get(1).bodyText()).doesNotContain("INLINE-REASONING").doesNotContain("STEP-NOTE");
    }

    @Test
    void theFinishSummaryIsItsVisibleTextAndItsReasoningGoesToThink() {
        llm.when(Rule.forRole(ME)).reply(Reply.toolCall("finish_task",
                "{\"summary\":\"<think>SUMMARY-REASONING</think>VM web1 is up\"}"));

        TurnOutcome outcome = loop(List.of(), true).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Finished("VM web1 is up"));
        assertThat(thinks).containsExactly("SUMMARY-REASONING");
        assertThat(toolArguments).as("what the execution log records").containsExactly("{\"summary\":\"VM web1 is up\"}");
    }

    @Test
    void aFinishSummaryThatIsOnlyReasoningIsRefusedAndTheModelAskedAgain() {
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("finish_task",
                "{\"summary\":\"<reasoning>SUMMARY-REASONING\"}"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.toolCall("finish_task",
                "{\"summary\":\"VM web1 is up\"}"));

        TurnOutcome outcome = loop(List.of(), true).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Finished("VM web1 is up"));
        assertThat(llm.requests().get(1).lastMessage().content()).contains("finish_task needs a non-empty 'summary'");
    }

    @Test
    void stopAbandonsADelayedLlmCallWithoutWaitingForIt() throws Exception {
        llm.when(Rule.forRole(ME).delay(Duration.ofSeconds(30))).reply(Reply.text("late answer"));
        Cancellation cancellation = Cancellation.create();
        ReActLoop loop = loop(List.of(), false);

        CompletableFuture<TurnOutcome> turn = CompletableFuture.supplyAsync(
                () -> loop.run(context("go"), cancellation, listener));
        awaitRequests(1);
        long stoppedAt = System.nanoTime();
        cancellation.cancel();
        TurnOutcome outcome = turn.get(15, TimeUnit.SECONDS);

        // The answer comes after 30 s: ending well before means the call was abandoned (no sub-second bound, it
        // flakes on two loaded cores).
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(15));
        assertThat(outcome).isInstanceOf(TurnOutcome.Stopped.class);
    }

    @Test
    void llmErrorAfterRetriesIsReportedWithTheReason() {
        llm.when(Rule.forRole(ME)).reply(Reply.httpError(401, "Incorrect API key provided"));

        TurnOutcome outcome = loop(List.of(), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isInstanceOfSatisfying(TurnOutcome.LlmFailed.class,
                failed -> assertThat(failed.error()).contains("Incorrect API key"));
    }

    @Test
    void toolThatThrowsBecomesAnErrorResultNotACrash() {
        Tool broken = ScriptedTools.tool("broken", args -> {
            throw new IllegalStateException("kaboom");
        });
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("broken", "{}"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("noted"));

        TurnOutcome outcome = loop(List.of(broken), false).run(context("go"), Cancellation.create(), listener);

        assertThat(outcome).isEqualTo(new TurnOutcome.Answered("noted"));
        assertThat(llm.requests().get(1).lastMessage().content()).contains("status: ERROR").contains("kaboom");
    }

    @Test
    void malformedToolArgumentsAreAnErrorTheModelCanFix() {
        var echo = ScriptedTools.tool("echo", args -> ToolResult.ok("x"));
        llm.when(Rule.forRole(ME).lastMessageRole("user")).reply(Reply.toolCall("echo", "{not json"));
        llm.when(Rule.forRole(ME).lastMessageRole("tool")).reply(Reply.text("fixed"));

        loop(List.of(echo), false).run(context("go"), Cancellation.create(), listener);

        assertThat(llm.requests().get(1).lastMessage().content()).contains("status: ERROR").contains("not valid JSON");
        assertThat(echo.calls).isEmpty();
    }

    private void awaitRequests(int count) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (llm.requests().size() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(llm.requests()).hasSizeGreaterThanOrEqualTo(count);
    }

    private ReActLoop loop(List<Tool> tools, boolean finish) {
        return new ReActLoop(ME, model(), "scripted-model", tools, LoopSettings.defaults(20, finish), s -> s);
    }

    private dev.langchain4j.model.chat.ChatModel model() {
        return ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, "scripted-model",
                Duration.ofSeconds(60), 0));
    }

    private static List<ChatMessage> context(String userText) {
        return List.of(SystemMessage.from("You are " + ME + ".\n\nTest prompt."), UserMessage.from(userText));
    }
}
