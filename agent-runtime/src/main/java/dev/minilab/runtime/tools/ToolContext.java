package dev.minilab.runtime.tools;

import dev.minilab.runtime.control.Cancellation;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * What a tool call knows about its caller.
 *
 * @param agentName    the calling agent (for logs and messages)
 * @param cancellation the turn's STOP signal; long-running tools register a kill callback on it
 * @param progress     sink for one-line progress notes of long-running tools (shown to the user, never to the model)
 */
public record ToolContext(String agentName, Cancellation cancellation, Consumer<String> progress) {

    public ToolContext {
        Objects.requireNonNull(agentName, "agentName");
        Objects.requireNonNull(cancellation, "cancellation");
        progress = progress == null ? note -> { } : progress;
    }

    /** A context for tests and one-off calls: a fresh token and no progress sink. */
    public static ToolContext of(String agentName) {
        return new ToolContext(agentName, Cancellation.create(), null);
    }
}
