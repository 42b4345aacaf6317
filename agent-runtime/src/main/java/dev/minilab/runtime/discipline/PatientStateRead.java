package dev.minilab.runtime.discipline;

import dev.minilab.runtime.agent.ReadBackoff;
import dev.minilab.runtime.loop.TurnFailedException;
import dev.minilab.runtime.loop.TurnRefusedException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read of {@code request_state} before an LLM call inside a turn, retried like the agent's other patient reads
 * ({@link ReadBackoff}): a Redis blip or failover used to refuse the call, and the turn ended "halted" with only log
 * lines, so the user's work stopped silently. A read that never answers fails the turn ({@link TurnFailedException},
 * reported to the escalation target); a STOP (which interrupts the LLM call's thread) or a shutdown ends the wait at
 * once.
 */
final class PatientStateRead {

    /** Waits between two attempts; interruptible. */
    interface Pause {
        void pause(Duration duration) throws InterruptedException;
    }

    private static final Logger LOG = LoggerFactory.getLogger(PatientStateRead.class);

    private final Supplier<RequestState> read;
    private final Pause pause;
    private final Consumer<Optional<String>> report;

    PatientStateRead(Supplier<RequestState> read, Pause pause) {
        this(read, pause, reason -> { });
    }

    /**
     * @param report told why the read is being retried (for the agent's heartbeat), and empty when it no longer is
     */
    PatientStateRead(Supplier<RequestState> read, Pause pause, Consumer<Optional<String>> report) {
        this.read = Objects.requireNonNull(read, "read");
        this.pause = Objects.requireNonNull(pause, "pause");
        this.report = Objects.requireNonNull(report, "report");
    }

    /**
     * The state, read at most {@link ReadBackoff#ATTEMPTS} times.
     *
     * @throws TurnFailedException  when no attempt could read it
     * @throws TurnRefusedException when the thread was interrupted (STOP or shutdown) while waiting to try again
     */
    RequestState read() {
        Duration backoff = ReadBackoff.FIRST;
        for (int attempt = 1; ; attempt++) {
            try {
                RequestState state = read.get();
                if (attempt > 1) {
                    report.accept(Optional.empty());
                    LOG.info("Read the guardrails' state (request_state) before an LLM call at attempt {}", attempt);
                }
                return state;
            } catch (RuntimeException e) {
                if (attempt >= ReadBackoff.ATTEMPTS) {
                    report.accept(Optional.empty());
                    LOG.error("Could not read the guardrails' state (request_state) before an LLM call ({} attempts, "
                            + "last: {}); the turn fails", attempt, e.getMessage());
                    throw new TurnFailedException("could not read the guardrails' state (request_state) from Redis "
                            + "before an LLM call (" + attempt + " attempts, last: " + e.getMessage() + "), so the "
                            + "turn cannot go on", e);
                }
                LOG.warn("Could not read the guardrails' state (request_state) before an LLM call ({}); retry {} of "
                        + "{} in {} ms", e.getMessage(), attempt, ReadBackoff.ATTEMPTS - 1, backoff.toMillis());
                report.accept(Optional.of(String.valueOf(e.getMessage())));
                try {
                    if (Thread.currentThread().isInterrupted()) {
                        throw new InterruptedException();
                    }
                    pause.pause(backoff);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    report.accept(Optional.empty());
                    throw new TurnRefusedException("stopped while retrying the guardrails' state read ("
                            + e.getMessage() + ")");
                }
                backoff = ReadBackoff.next(backoff);
            }
        }
    }
}
