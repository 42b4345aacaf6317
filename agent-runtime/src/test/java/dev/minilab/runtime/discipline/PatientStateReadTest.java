package dev.minilab.runtime.discipline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.minilab.runtime.agent.ReadBackoff;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.ForwardingChatModel;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.runtime.loop.TurnFailedException;
import dev.minilab.runtime.loop.TurnListener;
import dev.minilab.runtime.loop.TurnOutcome;
import dev.minilab.runtime.loop.TurnRefusedException;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The guardrails' state read before an LLM call inside a turn, retried with the patient reads' backoff: a turn whose
 * read fails for a while still makes its call once; one whose read never answers fails (thrown on by the loop, so the
 * agent reports it) instead of ending as a silent "halted"; a STOP ends the wait.
 */
class PatientStateReadTest {

    private static final String ME = "DevOps_Builder";
    private static final RequestState OPEN = new RequestState(1, 0, 0, BigDecimal.ZERO, 0, Optional.empty(), "", "",
            false, Optional.empty(), Map.of());

    private final List<Duration> pauses = new CopyOnWriteArrayList<>();
    private final AtomicInteger attempts = new AtomicInteger();
    private ScriptedLlmServer llm;

    @BeforeEach
    void startLlm() {
        llm = ScriptedLlmServer.start();
    }

    @AfterEach
    void stopLlm() {
        llm.close();
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 9})
    void aReadThatFailsForAWhileIsRetriedWithBackoffAndAnswers(int failures) {
        PatientStateRead read = new PatientStateRead(failing(failures), pauses::add);

        assertThat(read.read()).isEqualTo(OPEN);
        assertThat(attempts.get()).isEqualTo(failures + 1);
        assertThat(pauses).hasSize(failures).first().isEqualTo(ReadBackoff.FIRST);
        assertThat(pauses).allSatisfy(p -> assertThat(p).isLessThanOrEqualTo(ReadBackoff.MAX));
    }

    @Test
    void theRetriesAreReportedAndTheReportWithdrawnWhenTheReadAnswers() {
        List<Optional<String>> reports = new CopyOnWriteArrayList<>();
        PatientStateRead read = new PatientStateRead(failing(2), pauses::add, reports::add);

        read.read();

        assertThat(reports).containsExactly(Optional.of("simulated failover"), Optional.of("simulated failover"),
                Optional.empty());
    }

    @Test
    void aReadThatNeverAnswersFailsAfterEveryAttemptInsteadOfRefusing() {
        PatientStateRead read = new PatientStateRead(failing(Integer.MAX_VALUE), pauses::add);

        assertThatThrownBy(read::read).isInstanceOf(TurnFailedException.class)
                .hasMessageContaining("guardrails' state (request_state)").hasMessageContaining("10 attempts")
                .hasMessageContaining("simulated failover");
        assertThat(attempts.get()).isEqualTo(ReadBackoff.ATTEMPTS);
        assertThat(pauses).hasSize(ReadBackoff.ATTEMPTS - 1);
    }

    @Test
    void anInterruptedWaitEndsTheRetriesAtOnce() {
        PatientStateRead read = new PatientStateRead(failing(Integer.MAX_VALUE), pause -> {
            throw new InterruptedException("STOP");
        });

        assertThatThrownBy(read::read).isInstanceOf(TurnRefusedException.class).hasMessageContaining("stopped");
        assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
        assertThat(attempts.get()).isEqualTo(1);
    }

    @Test
    void aTurnWhoseStateReadFailsTwiceMakesItsLlmCallOnceAndCompletes() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("@Architect_Zero done"));
        try (ReActLoop loop = loop(new PatientStateRead(failing(2), pauses::add))) {
            TurnOutcome outcome = loop.run(context(), Cancellation.create(), TurnListener.NONE);

            assertThat(outcome).isEqualTo(new TurnOutcome.Answered("@Architect_Zero done"));
        }
        assertThat(attempts.get()).isEqualTo(3);
        assertThat(llm.requests()).hasSize(1);
    }

    @Test
    void aTurnWhoseStateNeverAnswersFailsInsteadOfEndingSilentlyHalted() {
        llm.when(Rule.forRole(ME)).reply(Reply.text("never sent"));
        try (ReActLoop loop = loop(new PatientStateRead(failing(Integer.MAX_VALUE), pauses::add))) {
            assertThatThrownBy(() -> loop.run(context(), Cancellation.create(), TurnListener.NONE))
                    .as("thrown on: the agent reports 'my turn failed' to its escalation target")
                    .isInstanceOf(TurnFailedException.class).hasMessageContaining("request_state");
        }
        assertThat(llm.requests()).as("no LLM call without its guardrails").isEmpty();
    }

    @Test
    void aStopDuringTheRetriesEndsTheTurnAndTheWait() throws Exception {
        llm.when(Rule.forRole(ME)).reply(Reply.text("never sent"));
        CountDownLatch interrupted = new CountDownLatch(1);
        PatientStateRead read = new PatientStateRead(failing(Integer.MAX_VALUE), pause -> {
            try {
                Thread.sleep(pause);
            } catch (InterruptedException e) {
                interrupted.countDown();
                throw e;
            }
        });
        Cancellation cancellation = Cancellation.create();
        try (ReActLoop loop = loop(read)) {
            CompletableFuture<TurnOutcome> turn = CompletableFuture.supplyAsync(
                    () -> loop.run(context(), cancellation, TurnListener.NONE));
            await("the read is being retried").atMost(Duration.ofSeconds(20)).until(() -> attempts.get() >= 2);
            cancellation.cancel();

            assertThat(turn.get(20, TimeUnit.SECONDS)).isEqualTo(new TurnOutcome.Stopped());
            assertThat(interrupted.await(20, TimeUnit.SECONDS)).as("the retry's wait was interrupted").isTrue();
        }
        assertThat(attempts.get()).as("no retry after the STOP").isLessThan(ReadBackoff.ATTEMPTS);
        assertThat(llm.requests()).isEmpty();
    }

    private Supplier<RequestState> failing(int failures) {
        return () -> {
            if (attempts.incrementAndGet() <= failures) {
                throw new IllegalStateException("simulated failover");
            }
            return OPEN;
        };
    }

    /** A loop whose model reads the state first, as {@link GuardedChatModel} does through the discipline. */
    private ReActLoop loop(PatientStateRead state) {
        ChatModel scripted = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, "scripted-model",
                Duration.ofSeconds(60), 0));
        ChatModel guarded = new ForwardingChatModel(scripted) {
            @Override
            public ChatResponse chat(ChatRequest request) {
                state.read();
                return delegate().chat(request);
            }
        };
        return new ReActLoop(ME, guarded, "scripted-model", List.of(), LoopSettings.defaults(20, false), s -> s);
    }

    private static List<ChatMessage> context() {
        return List.of(SystemMessage.from("You are " + ME + ".\n\nTest prompt."), UserMessage.from("go"));
    }
}
