package dev.minilab.provisioning.pipeline;

import dev.minilab.runtime.log.ExecutionLog;
import java.util.Objects;

/** Writes every transition and note of a run into an execution log (the agent's, or {@code provision}'s for the CLI). */
public final class ExecutionLogListener implements ProvisionListener {

    /** The event type in the JSON lines. */
    public static final String TYPE = "provision";

    private final ExecutionLog log;

    public ExecutionLogListener(ExecutionLog log) {
        this.log = Objects.requireNonNull(log, "log");
    }

    @Override
    public void transition(TransitionRecord transition) {
        log.note(TYPE, transition.statusLine());
    }

    @Override
    public void note(String deployment, String text) {
        log.note(TYPE, "provision " + deployment + ": " + text);
    }
}
