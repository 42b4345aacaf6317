package dev.minilab.runtime.agent;

import dev.langchain4j.data.message.ChatMessage;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.UsageMeter;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.runtime.loop.TurnOutcome;
import java.util.List;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;

/**
 * Runs one turn of a {@link TeamAgent} for one trigger message: asks the hooks whether the turn may start (retried
 * while they cannot read their state), reads its context (retried), runs the ReAct loop and publishes the outcome, unless the turn was stopped meanwhile.
 *
 * <p>An answer is published under the agent's lock, the one STOP/CLEAR take to cancel the turn, so no answer of a
 * stopped turn ever reaches the bus.
 */
final class TurnRunner {

    private final AgentSpec spec;
    private final TeamBus bus;
    private final ReActLoop loop;
    private final ExecutionLog log;
    private final UnaryOperator<String> redactor;
    private final UsageMeter usage;
    private final AgentHooks hooks;
    private final RetriedReads reads;
    private final ContextBuilder contextBuilder;
    private final Logger agentLog;
    private final Object lock;

    TurnRunner(AgentSpec spec, TeamBus bus, ReActLoop loop, ExecutionLog log, UnaryOperator<String> redactor,
               UsageMeter usage, AgentHooks hooks, RetriedReads reads, Logger agentLog, Object lock) {
        this.spec = spec;
        this.bus = bus;
        this.loop = loop;
        this.log = log;
        this.redactor = redactor;
        this.usage = usage;
        this.hooks = hooks;
        this.reads = reads;
        this.agentLog = agentLog;
        this.lock = lock;
        this.contextBuilder = new ContextBuilder(spec.name(), spec.systemPrompt(), redactor);
    }

    /**
     * Runs the turn for {@code trigger} as {@link #run} does; a {@link RuntimeException} is logged and reported to the
     * escalation target ("my turn failed"), an {@link Error} is thrown on.
     */
    void runReporting(Message trigger, Cancellation cancellation) {
        try {
            run(trigger, cancellation);
        } catch (RuntimeException e) {
            agentLog.error("Turn failed unexpectedly; the agent keeps listening", e);
            publishIfCurrent(cancellation, Message.chat(spec.name(), "@" + spec.escalateTo() + " my turn failed "
                    + "with an internal error: " + e + ". Details: " + log.markdownPath()));
        }
    }

    /**
     * Runs the turn for {@code trigger}; {@code cancellation} is what STOP/CLEAR cancel. Throws when the guardrails'
     * state or the turn's context cannot be read at all (the caller reports the failure).
     */
    void run(Message trigger, Cancellation cancellation) {
        // Retried with backoff like the context read (issue 16): an unreadable guardrail state (a Redis failover, a
        // dropped connection) used to count as a refusal, and the message was dropped for good.
        Optional<Optional<String>> decided = reads.guardrails(trigger.seq(), () -> hooks.refuseTurn(trigger),
                () -> !cancellation.isCancelled());
        if (decided.isEmpty()) {
            if (cancellation.isCancelled()) {
                agentLog.info("Not taking a turn for {}'s message (seq {}): stopped by the User's STOP/CLEAR",
                        trigger.sender(), trigger.seq());
                return;
            }
            throw new IllegalStateException("could not read the guardrails' state from Redis ("
                    + RetriedReads.ATTEMPTS + " attempts), so the turn for " + trigger.sender() + "'s message (seq "
                    + trigger.seq() + ") did not run");
        }
        Optional<String> refused = decided.get();
        if (refused.isPresent()) {
            agentLog.info("Not taking a turn for {}'s message (seq {}): {}", trigger.sender(), trigger.seq(),
                    refused.get());
            return;
        }
        log.startTurn(trigger.sender(), trigger.content());
        // Retried with backoff: a context read that failed used to fail the turn, and the message went unhandled.
        Optional<List<ChatMessage>> read = reads.context(trigger.seq(), () -> contextBuilder.build(
                bus.pinnedRequirements(), bus.history(spec.historyWindow()), spec.historyWindow(), trigger),
                () -> !cancellation.isCancelled());
        if (read.isEmpty()) {
            if (cancellation.isCancelled()) {
                log.outcome("stopped", "cancelled by the User's STOP/CLEAR");
                return;
            }
            throw new IllegalStateException("could not read the conversation from Redis ("
                    + RetriedReads.ATTEMPTS + " attempts)");
        }
        TurnOutcome outcome = loop.run(read.get(), cancellation, new TurnRouting(spec.name(), bus, log, hooks, usage,
                redactor, agentLog, this::publishQuietly));
        OutcomeReport.Report report = new OutcomeReport(spec.name(), spec.escalateTo(), log.markdownPath())
                .of(outcome);
        log.outcome(report.kind(), report.logText());
        report.message().ifPresent(message -> publishIfCurrent(cancellation, message));
    }

    /** Publishes {@code message} unless {@code cancellation} was cancelled (checked under the agent's lock). */
    void publishIfCurrent(Cancellation cancellation, Message message) {
        synchronized (lock) {
            if (cancellation.isCancelled()) {
                agentLog.info("Not publishing the answer of a stopped turn");
                return;
            }
            publishQuietly(message);
        }
    }

    /** Publishes {@code message} redacted; a failure is logged (the message is in the execution log). */
    void publishQuietly(Message message) {
        try {
            hooks.publishing(message);
            bus.publish(message.withContent(redactor.apply(message.content())));
        } catch (RuntimeException e) {
            agentLog.error("Could not publish to the bus (the message is in the execution log): {}", e.getMessage());
        }
    }
}
