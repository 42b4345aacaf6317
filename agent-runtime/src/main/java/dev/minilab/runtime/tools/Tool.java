package dev.minilab.runtime.tools;

import dev.langchain4j.agent.tool.ToolSpecification;

/**
 * One tool the model may call: a thin adapter that parses JSON arguments and calls an engine.
 *
 * <p>Implementations never throw for a bad call: argument errors, policy refusals and failures are returned as
 * {@link ToolResult#error(String)} with a message that tells the model what to do instead. The runtime still
 * catches any exception a tool lets escape and turns it into an ERROR result.
 */
public interface Tool {

    /** The tool's name (part of the contract, see DESIGN.md section 6). */
    default String name() {
        return specification().name();
    }

    /** Name, description and JSON schema of the arguments, as sent to the model. */
    ToolSpecification specification();

    /** Runs one call. {@code context} carries the caller's identity, cancellation and progress sink. */
    ToolResult execute(ToolArguments arguments, ToolContext context);
}
