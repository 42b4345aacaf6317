package dev.minilab.runtime.agent;

import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.TurnListener;
import dev.minilab.runtime.tools.ToolResult;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/** Routes a turn's side output: think notes, the execution log, progress lines, token usage. */
final class TurnRouting implements TurnListener {

    private final String agent;
    private final TeamBus bus;
    private final ExecutionLog log;
    private final AgentHooks hooks;
    private final UsageMeter usage;
    private final UnaryOperator<String> redactor;
    private final Logger agentLog;
    private final Consumer<Message> publish;

    TurnRouting(String agent, TeamBus bus, ExecutionLog log, AgentHooks hooks, UsageMeter usage,
                UnaryOperator<String> redactor, Logger agentLog, Consumer<Message> publish) {
        this.agent = agent;
        this.bus = bus;
        this.log = log;
        this.hooks = hooks;
        this.usage = usage;
        this.redactor = redactor;
        this.agentLog = agentLog;
        this.publish = publish;
    }

    @Override
    public void think(String text) {
        agentLog.info("[think] {}", text);
        bus.publishThink(agent, redactor.apply(text));
    }

    @Override
    public void toolCalled(String tool, String arguments, ToolResult result) {
        log.toolCall(tool, arguments, result);
        hooks.toolCalled(tool, result);
        agentLog.info("{} → {}{} in {} ms", tool, result.status(),
                result.processExitCode().isPresent() ? " (exit " + result.exitCode() + ")" : "",
                result.duration().toMillis());
    }

    @Override
    public void stillRunning(String tool, long seconds) {
        publish.accept(Message.status(agent, agent + ": " + tool + " running, " + seconds + " s"));
    }

    @Override
    public void usage(String model, TokenUsage tokens) {
        if (usage != null) {
            usage.record(model, tokens);
        }
    }
}
