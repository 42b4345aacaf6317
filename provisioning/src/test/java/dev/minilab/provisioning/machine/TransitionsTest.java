package dev.minilab.provisioning.machine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.EnumMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Every (state, event) pair of the run's state machine: the allowed ones lead where the issue says, all others fail. */
class TransitionsTest {

    /** The issue's machine, written out independently of Transitions.TABLE. */
    private static Map<State, Map<Event, State>> expected() {
        Map<State, Map<Event, State>> m = new EnumMap<>(State.class);
        for (State s : State.values()) {
            m.put(s, new EnumMap<>(Event.class));
        }
        m.get(State.INIT).put(Event.TASK_RECEIVED, State.RUNNING);
        m.get(State.RUNNING).put(Event.APPLY_SUCCEEDED, State.VALIDATING);
        m.get(State.RUNNING).put(Event.APPLY_FAILED, State.DIAGNOSING);
        m.get(State.RUNNING).put(Event.APPLY_REFUSED, State.FAILED);
        m.get(State.RUNNING).put(Event.BACKEND_BROKEN, State.FAILED);
        m.get(State.VALIDATING).put(Event.CHECKS_PASSED, State.SUCCESS);
        m.get(State.VALIDATING).put(Event.CHECK_FAILED, State.DIAGNOSING);
        m.get(State.DIAGNOSING).put(Event.NEW_HYPOTHESIS, State.RUNNING);
        m.get(State.DIAGNOSING).put(Event.RETRY_CAP_HIT, State.FAILED);
        m.get(State.DIAGNOSING).put(Event.REPEATED_HYPOTHESIS, State.FAILED);
        m.get(State.DIAGNOSING).put(Event.NO_DIAGNOSIS, State.FAILED);
        for (State s : new State[] {State.INIT, State.RUNNING, State.VALIDATING, State.DIAGNOSING}) {
            m.get(s).put(Event.CANCELLED, State.FAILED);
        }
        return m;
    }

    @Test
    void everyStateEventPairIsEitherTheIssuesTransitionOrIllegal() {
        Map<State, Map<Event, State>> expected = expected();
        int legal = 0;
        int illegal = 0;
        for (State state : State.values()) {
            for (Event event : Event.values()) {
                State want = expected.get(state).get(event);
                if (want == null) {
                    assertThat(Transitions.target(state, event)).as(state + " on " + event).isEmpty();
                    assertThatThrownBy(() -> Transitions.next(state, event))
                            .isInstanceOf(IllegalTransitionException.class)
                            .hasMessageContaining(state.name()).hasMessageContaining(event.name());
                    illegal++;
                } else {
                    assertThat(Transitions.next(state, event)).as(state + " on " + event).isEqualTo(want);
                    legal++;
                }
            }
        }
        assertThat(legal + illegal).isEqualTo(State.values().length * Event.values().length);
        assertThat(legal).isEqualTo(Transitions.TABLE.size()).isEqualTo(15);
    }

    @Test
    void terminalStatesHaveNoWayOut() {
        for (State terminal : new State[] {State.SUCCESS, State.FAILED}) {
            assertThat(terminal.terminal()).isTrue();
            for (Event event : Event.values()) {
                assertThat(Transitions.target(terminal, event)).as(terminal + " on " + event).isEmpty();
            }
        }
    }

    @Test
    void onlyDiagnosingLeadsBackToRunningAndOnlyValidatingToSuccess() {
        for (Transitions.Row row : Transitions.TABLE) {
            if (row.to() == State.RUNNING) {
                assertThat(row.from()).isIn(State.INIT, State.DIAGNOSING);
            }
            if (row.to() == State.SUCCESS) {
                assertThat(row.from()).isEqualTo(State.VALIDATING);
            }
            if (row.to() == State.DIAGNOSING) {
                assertThat(row.from()).isIn(State.RUNNING, State.VALIDATING);
            }
        }
    }
}
