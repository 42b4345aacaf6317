package dev.minilab.runtime.discipline;

import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.agent.AgentHooks;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.loop.TurnRefusedException;
import dev.minilab.runtime.metrics.AgentMetrics;
import java.math.BigDecimal;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One agent process's part of the team's guardrails (README "Guardrails"): the hop limit, the loop breaker and the
 * budget, enforced by the runtime with their state in Redis ({@link RequestLedger}), so they hold across the four
 * processes; plus the agent's metrics.
 *
 * <ul>
 *   <li>Every agent chat message not meant for the User only counts one hop; at {@code MAX_HOPS} no agent starts
 *       another turn for the request.</li>
 *   <li>Before a turn, the conversation since the User's last message is checked for a loop ({@link LoopDetector}).</li>
 *   <li>Every LLM call's tokens and dollars are added up per request; over {@code MAX_TOKENS} or
 *       {@code MAX_COST_USD} no new LLM call starts ({@link #beforeLlmCall} refuses it).</li>
 *   <li>The agent that finds a limit declares the halt (once per request, whoever is first) and posts a status line;
 *       the User's answerer (Architect_Zero) then writes one report to the User, without an LLM call.</li>
 *   <li>While an {@code ask_user} question is open, no turn starts and no LLM call is made.</li>
 *   <li>A new User message starts a new request: counters, halt and question are reset.</li>
 * </ul>
 * When Redis cannot be read nothing is refused for it and nothing runs without its guardrails: a turn is left
 * undecided ({@link #refuseTurn} throws), so the agent retries the read and never drops the message for it (issue 16);
 * an LLM call inside a turn waits while the read is retried with the same backoff, and fails the turn (reported to the
 * escalation target) when it never answers.
 */
public final class TeamDiscipline implements AgentHooks, BusListener, Questions {

    private static final Logger LOG = LoggerFactory.getLogger(TeamDiscipline.class);

    private final String agent;
    private final boolean reportsToUser;
    private final List<String> team;
    private final DisciplineSettings settings;
    private final TeamBus bus;
    private final RequestLedger ledger;
    private final LoopDetector loops;
    private final AgentMetrics metrics;
    private final UnaryOperator<String> redactor;
    /** Where a halt found by an asynchronous usage write is declared (never Redis's I/O thread). */
    private final java.util.concurrent.Executor bookkeeping;
    /** The state for the next LLM call, read when the last tool call ended (issue 12). */
    private final StatePrefetch prefetch;
    /** The state check before an LLM call: the prefetch, else a read retried with backoff. */
    private final PatientStateRead beforeCall;
    /** Where that read's retries are reported (the agent's heartbeat), once {@link #reportRetriesTo} was called. */
    private volatile java.util.function.Consumer<Optional<String>> retryReport = reason -> { };

    /** As below, declaring halts found by usage writes on a thread of the common pool. */
    public TeamDiscipline(String agent, String userAnswerer, List<String> team, DisciplineSettings settings,
                          TeamBus bus, AgentMetrics metrics, UnaryOperator<String> redactor) {
        this(agent, userAnswerer, team, settings, bus, metrics, redactor,
                java.util.concurrent.ForkJoinPool.commonPool());
    }

    /**
     * @param agent         this process's agent
     * @param userAnswerer  the agent that answers the User (Architect_Zero): its process writes the halt reports
     * @param team          every agent name, in team order (for the per-agent figures of a budget report)
     * @param bookkeeping   where a halt that a call's usage write reveals is declared (it makes Redis calls, so
     *                      not on Redis's I/O thread, which completes the write)
     */
    public TeamDiscipline(String agent, String userAnswerer, List<String> team, DisciplineSettings settings,
                          TeamBus bus, AgentMetrics metrics, UnaryOperator<String> redactor,
                          java.util.concurrent.Executor bookkeeping) {
        this.bookkeeping = Objects.requireNonNull(bookkeeping, "bookkeeping");
        this.agent = Objects.requireNonNull(agent, "agent");
        this.reportsToUser = agent.equals(userAnswerer);
        this.team = List.copyOf(team);
        this.settings = Objects.requireNonNull(settings, "settings");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.ledger = new RequestLedger(bus.commands(), DisciplineKeys.of(bus.keys()));
        this.loops = new LoopDetector(settings.loopRepeats());
        this.metrics = Objects.requireNonNull(metrics, "metrics");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.prefetch = new StatePrefetch(ledger::stateAsync, ledger::state, System::nanoTime);
        this.beforeCall = new PatientStateRead(prefetch::take, Thread::sleep, reason -> retryReport.accept(reason));
    }

    /** Listens on the bus for halts to report (only in the User's answerer's process). Call once. */
    public void start() {
        if (reportsToUser) {
            bus.subscribe(this);
        }
    }

    /**
     * Reports the retries of the state read before an LLM call to {@code report} (the agent's heartbeat, as
     * "guardrail read retrying: …"): why it is being retried, and empty when it no longer is.
     */
    public void reportRetriesTo(java.util.function.Consumer<Optional<String>> report) {
        this.retryReport = Objects.requireNonNull(report, "report");
    }

    public DisciplineSettings settings() {
        return settings;
    }

    public AgentMetrics metrics() {
        return metrics;
    }

    // ---- AgentHooks: what the TeamAgent tells us ----

    @Override
    public void received(Message message) {
        if (message.isFromUser() && message.kind() == MessageKind.CHAT && message.controlCommand().isEmpty()) {
            prefetch.forget(); // a state read before the reset must not be used after it
            try {
                if (ledger.startRequest(message)) {
                    LOG.info("New User request (seq {}): hop count, budget and halt reset", message.seq());
                }
            } catch (RuntimeException e) {
                LOG.warn("Could not reset the request counters in Redis for the User's message {} ({}); the "
                        + "previous request's limits may still apply until Redis answers again", message.id(),
                        e.toString());
            }
        }
    }

    @Override
    public void queued(Message message) {
        metrics.message(AgentMetrics.IN);
    }

    /**
     * {@inheritDoc}
     *
     * @throws IllegalStateException when {@code request_state} or the loop breaker's history cannot be read: not a
     *                               refusal, the agent decides again after a backoff (issue 16)
     */
    @Override
    public Optional<String> refuseTurn(Message trigger) {
        if (trigger.isFromUser()) {
            return Optional.empty(); // a User message opened a fresh request
        }
        RequestState state;
        long readAt = prefetch.now();
        try {
            state = ledger.state();
        } catch (RuntimeException e) {
            throw cannotDecide(e); // not a refusal: the agent retries (issue 16), else fails the turn with a report
        }
        Optional<String> standing = standingRefusal(state);
        if (standing.isPresent()) {
            return standing;
        }
        if (state.hops() >= settings.maxHops()) {
            declare(HaltReason.HOPS, HaltReport.hopsCause(state.hops(), settings.maxHops()));
            return Optional.of("hop limit reached (" + state.hops() + " of MAX_HOPS=" + settings.maxHops() + ")");
        }
        Optional<LoopDetector.Loop> loop;
        try {
            loop = loops.find(bus.history(loops.window()));
        } catch (RuntimeException e) {
            throw cannotDecide(e);
        }
        if (loop.isPresent()) {
            declare(HaltReason.LOOP, HaltReport.loopCause(loop.get()));
            return Optional.of("loop between " + loop.get().first() + " and " + loop.get().second());
        }
        Optional<String> refusal = overBudget(state).map(reason -> {
            declare(reason, HaltReport.budgetCause(reason, state.tokens(), state.costUsd(), settings));
            return "budget spent (" + reason.wire() + ")";
        });
        if (refusal.isEmpty()) {
            prefetch.offer(state, readAt); // the turn's first LLM call uses it while fresh: one round trip less per hop
        }
        return refusal;
    }

    @Override
    public void publishing(Message message) {
        if (message.kind() != MessageKind.CHAT || !message.sender().equals(agent)) {
            return;
        }
        metrics.message(AgentMetrics.OUT);
        if (countsAsHop(message)) {
            try {
                long hops = ledger.countHop();
                LOG.debug("Hop {} of {} for this request", hops, settings.maxHops());
            } catch (RuntimeException e) {
                LOG.warn("Could not count a hop in Redis ({}); the hop limit may allow one more message", e.toString());
            }
        }
    }

    @Override
    public void toolCalled(String tool, dev.minilab.runtime.tools.ToolResult result) {
        // The next LLM call's state check: sent now, so its round trip overlaps the rest of the step (issue 12).
        prefetch.send();
        metrics.toolCall(tool, !result.isError());
    }

    /** A message counts as a hop unless it is addressed to the User only. */
    static boolean countsAsHop(Message message) {
        return message.to().isEmpty() || message.to().stream().anyMatch(to -> !to.equals(Message.USER));
    }

    // ---- the LLM gate, called by GuardedChatModel ----

    /**
     * Refuses an LLM call the team may not make now.
     *
     * @throws TurnRefusedException when the request is halted, over budget or a question to the User is open (or
     *                              the call was stopped while its state read was being retried)
     * @throws dev.minilab.runtime.loop.TurnFailedException when {@code request_state} could not be read even after
     *                              the retries: the turn fails with a report, it does not end as a silent "halted"
     */
    public void beforeLlmCall() {
        // Read when the last tool call ended, if that was a moment ago; else now. A failed read is retried with the
        // patient reads' backoff: refusing the call for it ended the turn "halted" with nothing on the bus.
        RequestState state = beforeCall.read();
        Optional<String> standing = standingRefusal(state);
        if (standing.isPresent()) {
            throw new TurnRefusedException(standing.get());
        }
        Optional<HaltReason> over = overBudget(state);
        if (over.isPresent()) {
            declare(over.get(), HaltReport.budgetCause(over.get(), state.tokens(), state.costUsd(), settings));
            throw new TurnRefusedException("budget spent (" + over.get().wire() + ")");
        }
    }

    /** Records one finished LLM call: metrics, the request's tokens and dollars, and a halt when over budget. */
    public void afterLlmCall(String model, TokenUsage usage, Duration latency) {
        long input = usage == null || usage.inputTokenCount() == null ? 0 : usage.inputTokenCount();
        long output = usage == null || usage.outputTokenCount() == null ? 0 : usage.outputTokenCount();
        Optional<BigDecimal> cost = settings.prices().cost(model, input, output);
        metrics.llmCall(model, input, output, cost.orElse(null), latency);
        // Sent without waiting: the next beforeLlmCall reads the ledger on the same connection, after this write.
        ledger.addUsageAsync(agent, input + output, cost).whenComplete((totals, error) -> {
            if (error != null) {
                LOG.warn("Could not add this call's {} tokens to the request budget in Redis ({}); the budget may "
                        + "undercount", input + output, error.toString());
                return;
            }
            Optional<HaltReason> over = over(totals.tokens(), totals.costUsd());
            over.ifPresent(reason -> bookkeeping.execute(() -> declare(reason,
                    HaltReport.budgetCause(reason, totals.tokens(), totals.costUsd(), settings))));
        });
    }

    /**
     * Why the team is halted for the current request ({@code hops}, {@code loop}, {@code cost}, {@code tokens}), or
     * empty when it is not (or Redis cannot be read now). For callers that wait on another agent, such as the
     * {@code provision} tool waiting for a verdict: no agent takes a turn while the request is halted.
     */
    public Optional<String> haltedFor() {
        try {
            return ledger.state().halt().map(HaltReason::wire);
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    // ---- ask_user ----

    @Override
    public void ask(String question) {
        String text = redactor.apply(question.strip());
        ledger.openQuestion(text);
        Message sent = bus.publish(Message.chatTo(agent, "[ask_user] " + text, List.of(Message.USER)));
        metrics.message(AgentMetrics.OUT);
        LOG.info("Asked the User (seq {}); the team spends nothing until the User answers", sent.seq());
    }

    // ---- the report to the User (Architect_Zero's process only) ----

    @Override
    public void onMessage(Message message) {
        if (message.isFromUser()) {
            return;
        }
        // Off the delivery thread (issue 12): the state read it needs made every delivery wait for a round trip.
        try {
            bookkeeping.execute(this::reportIfHalted);
        } catch (java.util.concurrent.RejectedExecutionException e) {
            LOG.debug("Shutting down; no halt report check for message {}", message.id());
        }
    }

    private void reportIfHalted() {
        try {
            RequestState state = ledger.state();
            if (!state.halted() || state.reported() || !ledger.markReported()) {
                return;
            }
            String text = HaltReport.toUser(state, bus.history(bus.settings().historyWindow()), team);
            bus.publish(Message.chatTo(agent, redactor.apply(text), List.of(Message.USER)));
            metrics.message(AgentMetrics.OUT);
            LOG.warn("Reported to the User: the team halted this request ({})",
                    state.halt().map(HaltReason::wire).orElse("?"));
        } catch (RuntimeException e) {
            LOG.warn("Could not report a halt to the User ({}); the agents' status lines say it too", e.toString());
        }
    }

    // ---- internals ----

    private Optional<String> standingRefusal(RequestState state) {
        if (state.halted()) {
            return Optional.of("the team is halted for this request (" + state.halt().get().wire()
                    + "); waiting for the User's next message");
        }
        return state.question().map(q -> "a question to the User is open; waiting for the answer");
    }

    private Optional<HaltReason> overBudget(RequestState state) {
        return over(state.tokens(), state.costUsd());
    }

    private Optional<HaltReason> over(long tokens, BigDecimal cost) {
        if (cost.compareTo(settings.maxCostUsd()) > 0) {
            return Optional.of(HaltReason.COST);
        }
        if (tokens > settings.maxTokens()) {
            return Optional.of(HaltReason.TOKENS);
        }
        return Optional.empty();
    }

    /** Declares the halt; the first agent to do so counts it, logs it and posts the status line. */
    private void declare(HaltReason reason, String cause) {
        boolean first;
        try {
            first = ledger.halt(reason, cause, agent);
        } catch (RuntimeException e) {
            LOG.warn("Could not record the halt ({}) in Redis: {}", reason.wire(), e.toString());
            return;
        }
        if (!first) {
            return;
        }
        metrics.halt(reason.wire());
        LOG.warn("{} {}", agent, cause);
        try {
            bus.publish(Message.status(agent, redactor.apply(agent + ": halting the team for this request: " + cause)));
        } catch (RuntimeException e) {
            LOG.warn("Could not post the halt status line: {}", e.toString());
        }
    }

    /** Why {@link #refuseTurn} cannot decide: thrown, so that the agent retries instead of dropping the message. */
    private static IllegalStateException cannotDecide(RuntimeException e) {
        return new IllegalStateException("the guardrails' state in Redis (request_state, loop history) could not be "
                + "read (" + e.getMessage() + ")", e);
    }
}
