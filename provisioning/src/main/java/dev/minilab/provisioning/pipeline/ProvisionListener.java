package dev.minilab.provisioning.pipeline;

import java.util.List;

/**
 * Receives a run's transitions and notes while it runs (bus status lines, the execution log, the CLI's output).
 * A failing listener never stops the run: the pipeline logs and goes on.
 */
public interface ProvisionListener {

    void transition(TransitionRecord transition);

    /** A line inside a state: the plan summary, who approved it, a hypothesis, a check result. */
    default void note(String deployment, String text) {
    }

    ProvisionListener NONE = transition -> { };

    /** Calls each of {@code listeners} in order. */
    static ProvisionListener all(List<ProvisionListener> listeners) {
        List<ProvisionListener> copy = List.copyOf(listeners);
        return new ProvisionListener() {
            @Override
            public void transition(TransitionRecord transition) {
                copy.forEach(l -> l.transition(transition));
            }

            @Override
            public void note(String deployment, String text) {
                copy.forEach(l -> l.note(deployment, text));
            }
        };
    }
}
