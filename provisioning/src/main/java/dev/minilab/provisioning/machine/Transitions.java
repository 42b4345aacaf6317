package dev.minilab.provisioning.machine;

import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The one transition table of a provisioning run. Every (state, event) pair not listed is illegal.
 *
 * <pre>
 * INIT        --TASK_RECEIVED-------> RUNNING
 * RUNNING     --APPLY_SUCCEEDED-----> VALIDATING
 * RUNNING     --APPLY_FAILED--------> DIAGNOSING
 * RUNNING     --APPLY_REFUSED-------> FAILED
 * RUNNING     --BACKEND_BROKEN------> FAILED
 * VALIDATING  --CHECKS_PASSED-------> SUCCESS
 * VALIDATING  --CHECK_FAILED--------> DIAGNOSING
 * DIAGNOSING  --NEW_HYPOTHESIS------> RUNNING
 * DIAGNOSING  --RETRY_CAP_HIT-------> FAILED
 * DIAGNOSING  --REPEATED_HYPOTHESIS-> FAILED
 * DIAGNOSING  --NO_DIAGNOSIS--------> FAILED
 * any non-terminal --CANCELLED------> FAILED
 * </pre>
 */
public final class Transitions {

    /** One row of the table, with the trigger in words (for logs and docs). */
    public record Row(State from, Event event, State to, String trigger) { }

    /** The table, in reading order. */
    public static final List<Row> TABLE = List.of(
            new Row(State.INIT, Event.TASK_RECEIVED, State.RUNNING, "spec received (the spec is the approval)"),
            new Row(State.RUNNING, Event.APPLY_SUCCEEDED, State.VALIDATING, "init + plan + apply succeeded"),
            new Row(State.RUNNING, Event.APPLY_FAILED, State.DIAGNOSING, "init, plan or apply failed"),
            new Row(State.RUNNING, Event.APPLY_REFUSED, State.FAILED, "the approval gate refused the plan"),
            new Row(State.RUNNING, Event.BACKEND_BROKEN, State.FAILED, "the backend cannot run at all"),
            new Row(State.VALIDATING, Event.CHECKS_PASSED, State.SUCCESS, "all four checks pass"),
            new Row(State.VALIDATING, Event.CHECK_FAILED, State.DIAGNOSING, "a check failed"),
            new Row(State.DIAGNOSING, Event.NEW_HYPOTHESIS, State.RUNNING, "new hypothesis, retries below the cap"),
            new Row(State.DIAGNOSING, Event.RETRY_CAP_HIT, State.FAILED, "retry cap reached"),
            new Row(State.DIAGNOSING, Event.REPEATED_HYPOTHESIS, State.FAILED, "hypothesis tried before"),
            new Row(State.DIAGNOSING, Event.NO_DIAGNOSIS, State.FAILED, "no valid diagnosis (model down/invalid)"),
            new Row(State.INIT, Event.CANCELLED, State.FAILED, "cancelled"),
            new Row(State.RUNNING, Event.CANCELLED, State.FAILED, "cancelled (STOP)"),
            new Row(State.VALIDATING, Event.CANCELLED, State.FAILED, "cancelled (STOP)"),
            new Row(State.DIAGNOSING, Event.CANCELLED, State.FAILED, "cancelled (STOP)"));

    private static final Map<State, Map<Event, Row>> INDEX = index();

    private Transitions() {
    }

    /** The state after {@code event} in {@code from}, or empty when the table has no such transition. */
    public static Optional<State> target(State from, Event event) {
        return row(from, event).map(Row::to);
    }

    public static Optional<Row> row(State from, Event event) {
        return Optional.ofNullable(INDEX.getOrDefault(from, Map.of()).get(event));
    }

    /**
     * The state after {@code event} in {@code from}.
     *
     * @throws IllegalTransitionException when the table does not allow it
     */
    public static State next(State from, Event event) {
        return target(from, event).orElseThrow(() -> new IllegalTransitionException(from, event));
    }

    private static Map<State, Map<Event, Row>> index() {
        Map<State, Map<Event, Row>> index = new EnumMap<>(State.class);
        for (Row row : TABLE) {
            Row previous = index.computeIfAbsent(row.from(), s -> new EnumMap<>(Event.class)).put(row.event(), row);
            if (previous != null) {
                throw new IllegalStateException("duplicate transition " + row.from() + " on " + row.event());
            }
        }
        return index;
    }
}
