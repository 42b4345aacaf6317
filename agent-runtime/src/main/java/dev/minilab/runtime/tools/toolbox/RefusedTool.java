package dev.minilab.runtime.tools.toolbox;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;

/** A tool the model still sees but that refuses every call with one message (e.g. no isolation available). */
final class RefusedTool implements Tool {

    private final Tool delegate;
    private final String message;

    RefusedTool(Tool delegate, String message) {
        this.delegate = delegate;
        this.message = message;
    }

    @Override
    public String name() {
        return delegate.name();
    }

    @Override
    public ToolSpecification specification() {
        return delegate.specification();
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        return ToolResult.error(delegate.name() + " " + message);
    }
}
