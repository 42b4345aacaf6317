package dev.minilab.runtime.tools.toolbox;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.minilab.runtime.sandbox.OutputCap;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArgumentException;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wraps a tool so every result is redacted, capped and timed, and no exception escapes: what every tool the
 * {@link Toolbox} hands out goes through.
 */
final class FinishedTool implements Tool {

    private static final Logger LOG = LoggerFactory.getLogger(FinishedTool.class);

    private final Tool delegate;
    private final Redactor redactor;
    private final OutputCap cap;

    FinishedTool(Tool delegate, Redactor redactor, OutputCap cap) {
        this.delegate = delegate;
        this.redactor = redactor;
        this.cap = cap;
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
        long start = System.nanoTime();
        ToolResult result;
        try {
            result = delegate.execute(arguments, context);
        } catch (ToolArgumentException e) {
            result = ToolResult.error(e.getMessage());
        } catch (RuntimeException e) {
            LOG.warn("Tool {} failed unexpectedly; the model gets an ERROR result. Report this as a bug.",
                    delegate.name(), e);
            result = ToolResult.error(delegate.name() + " failed unexpectedly (" + e.getClass().getSimpleName()
                    + ": " + e.getMessage() + "); try a different approach or report the problem");
        }
        Duration elapsed = Duration.ofNanos(System.nanoTime() - start);
        if (result.duration().isZero()) {
            result = result.withDuration(elapsed);
        }
        // Redact before capping so a secret is masked whole; the redactor also masks halves around a cut marker.
        return result.withOutput(cap.apply(redactor.redact(result.output())));
    }

    @Override
    public String toString() {
        return "FinishedTool[" + delegate.name() + "]";
    }
}
