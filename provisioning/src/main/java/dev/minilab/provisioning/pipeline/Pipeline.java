package dev.minilab.provisioning.pipeline;

import dev.minilab.provisioning.backend.ApplyResult;
import dev.minilab.provisioning.backend.Guest;
import dev.minilab.provisioning.backend.Plan;
import dev.minilab.provisioning.backend.PlanResult;
import dev.minilab.provisioning.backend.ProvisioningBackend;
import dev.minilab.provisioning.backend.Stage;
import dev.minilab.provisioning.backend.StepFailure;
import dev.minilab.provisioning.diagnosis.Diagnosis;
import dev.minilab.provisioning.diagnosis.DiagnosisOutcome;
import dev.minilab.provisioning.diagnosis.DiagnosisRequest;
import dev.minilab.provisioning.diagnosis.Hypothesis;
import dev.minilab.provisioning.diagnosis.LlmUsage;
import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.machine.Transitions;
import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.ports.CostMeter;
import dev.minilab.provisioning.ports.InventorySource;
import dev.minilab.provisioning.ports.UsageSink;
import dev.minilab.provisioning.spec.ChangeSet;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.provisioning.spec.Variables;
import dev.minilab.provisioning.validate.ValidationReport;
import dev.minilab.provisioning.validate.Validator;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one spec through {@code INIT → RUNNING → VALIDATING → SUCCESS}, with {@code DIAGNOSING} only on failure (see
 * {@link Transitions}). RUNNING is init + plan + apply of that plan, after the approval gate saw the plan; VALIDATING
 * is the {@link Validator}'s four checks; DIAGNOSING is the one place an LLM is called. A change set tried before (or
 * one that changes nothing) ends the run FAILED "repeated hypothesis"; more than {@code maxRetries} retries end it
 * FAILED "retry cap". On FAILED, the spec's {@code destroy_on_failure} destroys what was created.
 */
public final class Pipeline {

    private static final Logger LOG = LoggerFactory.getLogger(Pipeline.class);

    /** Everything a pipeline is built from. */
    public record Parts(ProvisioningBackend backend, Validator validator, Diagnosis diagnosis, ApprovalGate gate,
                        InventorySource inventory, Function<ProvisionSpec, Set<String>> allowedVariables,
                        CostMeter prices, UsageSink usageSink, PipelineSettings settings) {
        public Parts {
            Objects.requireNonNull(backend, "backend");
            Objects.requireNonNull(validator, "validator");
            Objects.requireNonNull(diagnosis, "diagnosis");
            Objects.requireNonNull(gate, "gate");
            Objects.requireNonNull(inventory, "inventory");
            Objects.requireNonNull(allowedVariables, "allowedVariables");
            Objects.requireNonNull(prices, "prices");
            Objects.requireNonNull(usageSink, "usageSink");
            Objects.requireNonNull(settings, "settings");
        }
    }

    private final Parts parts;
    private final Clock clock;

    public Pipeline(Parts parts) {
        this(parts, Clock.systemUTC());
    }

    Pipeline(Parts parts, Clock clock) {
        this.parts = Objects.requireNonNull(parts, "parts");
        this.clock = clock;
    }

    /** Runs {@code spec} to SUCCESS or FAILED; never throws for a failing step (STOP ends it FAILED "cancelled"). */
    public RunReport run(ProvisionSpec spec, ProvisionListener listener, Cancellation cancellation) {
        return new Run(spec, listener, cancellation).execute();
    }

    /** The mutable state of one run; confined to the calling thread. */
    private final class Run {
        private final ProvisionSpec spec;
        private final ProvisionListener listener;
        private final Cancellation cancellation;
        private final LlmUsage usage = new LlmUsage(parts.prices(), parts.usageSink());
        private final List<TransitionRecord> transitions = new ArrayList<>();
        private final List<String> log = new ArrayList<>();
        private final List<Hypothesis> hypotheses = new ArrayList<>();
        private final Set<String> triedChangeSets = new HashSet<>();
        private final Set<String> triedConfigurations = new HashSet<>();
        private final long started = System.nanoTime();
        private State state = State.INIT;
        private Variables variables;
        private int retries;
        private List<Guest> guests = List.of();
        private ApplyResult.Applied lastApplied;
        private Optional<StepFailure> failure = Optional.empty();
        private List<String> findings = List.of();
        private String reason = "";

        Run(ProvisionSpec spec, ProvisionListener listener, Cancellation cancellation) {
            this.spec = spec;
            this.listener = listener;
            this.cancellation = cancellation;
            this.variables = spec.variables();
        }

        RunReport execute() {
            try {
                move(Event.TASK_RECEIVED, "spec '" + spec.name() + "' (" + spec.kind().id() + ", "
                        + spec.expectedCount() + " expected) on target " + parts.backend().target());
                while (!state.terminal()) {
                    cancellation.throwIfCancelled();
                    switch (state) {
                        case RUNNING -> running();
                        case VALIDATING -> validating();
                        case DIAGNOSING -> diagnosing();
                        default -> throw new IllegalStateException("no step for " + state);
                    }
                }
            } catch (CancelledException e) {
                reason = "cancelled (STOP)";
                if (!state.terminal()) {
                    move(Event.CANCELLED, reason);
                }
            }
            Optional<String> destroyed = Optional.empty();
            if (state == State.FAILED && spec.destroyOnFailure() && !reason.startsWith("cancelled")) {
                ProvisioningBackend.DestroyResult result = parts.backend().destroy(spec, variables,
                        Cancellation.create());
                destroyed = Optional.of((result.succeeded() ? "done: " : "FAILED: ") + result.output().strip());
                note("destroy_on_failure: " + destroyed.get());
            }
            String last = failure.map(StepFailure::output).orElse(String.join("\n", findings));
            return new RunReport(spec.name(), parts.backend().target(), state, reason, retries, usage.calls(),
                    usage.inputTokens(), usage.outputTokens(), usage.costUsd(),
                    Duration.ofNanos(System.nanoTime() - started), hypotheses, transitions, log, guests, variables,
                    last, destroyed);
        }

        private void running() {
            triedConfigurations.add(ChangeSet.of(variables.values()).normalised());
            PlanResult planned = parts.backend().plan(spec, variables, cancellation);
            switch (planned) {
                case PlanResult.Broken broken -> fail(Event.BACKEND_BROKEN, broken.reason());
                case PlanResult.Failed failed -> failedStep(failed.failure());
                case PlanResult.Planned ok -> applyApproved(ok.plan());
            }
        }

        private void applyApproved(Plan plan) {
            note(plan.summary().oneLine());
            ApprovalGate.Decision decision = parts.gate().review(plan.summary(), cancellation);
            if (decision instanceof ApprovalGate.Refused refused) {
                fail(Event.APPLY_REFUSED, "plan " + plan.summary().planId() + " refused by " + refused.by() + ": "
                        + refused.reason());
                return;
            }
            note("plan " + plan.summary().planId() + " approved by " + ((ApprovalGate.Approved) decision).by());
            ApplyResult applied = parts.backend().apply(plan, cancellation);
            switch (applied) {
                case ApplyResult.Broken broken -> fail(Event.BACKEND_BROKEN, broken.reason());
                case ApplyResult.Failed failed -> failedStep(failed.failure());
                case ApplyResult.Applied ok -> {
                    guests = ok.guests();
                    lastApplied = ok;
                    failure = Optional.empty();
                    findings = List.of();
                    move(Event.APPLY_SUCCEEDED, ok.stateResources() + " resource(s) in the state, guests "
                            + ok.guests().stream().map(g -> g.hostname() + "@" + g.address()).toList());
                }
            }
        }

        private void validating() {
            ValidationReport report = parts.validator().validate(spec, variables, lastApplied, cancellation);
            report.checks().forEach(check -> note("check " + check));
            if (report.passed()) {
                reason = "all checks passed";
                move(Event.CHECKS_PASSED, reason);
            } else {
                findings = report.findings();
                failure = Optional.empty();
                move(Event.CHECK_FAILED, String.join("; ", findings));
            }
        }

        private void failedStep(StepFailure step) {
            failure = Optional.of(step);
            findings = List.of();
            String first = step.stage() == Stage.CHECKS
                    ? step.output().lines().filter(l -> l.startsWith("- ")).findFirst().orElse(step.output())
                    : firstErrorLine(step.output());
            move(Event.APPLY_FAILED, step.stage().step() + " failed (exit " + step.exitCode() + "): " + first);
        }

        private void diagnosing() {
            if (retries >= parts.settings().maxRetries()) {
                fail(Event.RETRY_CAP_HIT, "retry cap reached (" + parts.settings().maxRetries()
                        + " retries, PROVISION_MAX_RETRIES); the last failure is below");
                return;
            }
            DiagnosisRequest request = new DiagnosisRequest(spec, variables, parts.allowedVariables().apply(spec),
                    failure, findings, parts.inventory().snapshot(), hypotheses);
            DiagnosisOutcome outcome = parts.diagnosis().diagnose(request, usage, cancellation);
            switch (outcome) {
                case DiagnosisOutcome.Unavailable down -> fail(Event.NO_DIAGNOSIS, down.reason());
                case DiagnosisOutcome.Invalid invalid -> fail(Event.NO_DIAGNOSIS, "the model answered invalid JSON "
                        + "twice (" + invalid.reason() + ")");
                case DiagnosisOutcome.Proposed proposed -> consider(proposed.hypothesis());
            }
        }

        private void consider(Hypothesis hypothesis) {
            hypotheses.add(hypothesis);
            note("hypothesis " + hypotheses.size() + ": " + hypothesis.cause() + " — changes "
                    + hypothesis.changes().normalised());
            Variables next = variables.with(hypothesis.changes());
            String changeSet = hypothesis.changes().normalised();
            String configuration = ChangeSet.of(next.values()).normalised();
            if (!triedChangeSets.add(changeSet)) {
                fail(Event.REPEATED_HYPOTHESIS, "repeated hypothesis: the change set " + changeSet
                        + " was tried before");
                return;
            }
            if (hypothesis.changes().effectiveAgainst(variables).isEmpty() || triedConfigurations.contains(configuration)) {
                fail(Event.REPEATED_HYPOTHESIS, "repeated hypothesis: the change set " + changeSet
                        + " leads to variables already tried");
                return;
            }
            variables = next;
            retries++;
            move(Event.NEW_HYPOTHESIS, "retry " + retries + " of " + parts.settings().maxRetries() + " with "
                    + changeSet);
        }

        private void fail(Event event, String why) {
            reason = why;
            move(event, why);
        }

        private void move(Event event, String detail) {
            State from = state;
            State to = Transitions.next(from, event);
            TransitionRecord record = new TransitionRecord(spec.name(), from, event, to, retries + 1, oneLine(detail),
                    clock.instant());
            state = to;
            transitions.add(record);
            log.add(record.statusLine());
            try {
                listener.transition(record);
            } catch (RuntimeException e) {
                LOG.warn("A provisioning listener failed on {}: {}", record.statusLine(), e.toString());
            }
        }

        private void note(String text) {
            String line = "provision " + spec.name() + ": " + oneLine(text);
            log.add(line);
            try {
                listener.note(spec.name(), oneLine(text));
            } catch (RuntimeException e) {
                LOG.warn("A provisioning listener failed on a note: {}", e.toString());
            }
        }
    }

    /** The first line that starts with "Error:" (after the ruler), else the first non-blank line. */
    static String firstErrorLine(String output) {
        String fallback = "";
        for (String raw : output.split("\n")) {
            String line = raw.replaceFirst("^[│╷╵]\\s?", "").strip();
            if (line.startsWith("Error:")) {
                return line;
            }
            if (fallback.isEmpty() && !line.isEmpty()) {
                fallback = line;
            }
        }
        return fallback;
    }

    private static String oneLine(String text) {
        String flat = text == null ? "" : text.strip().replaceAll("\\s*\\n\\s*", " | ");
        return flat.length() <= 600 ? flat : flat.substring(0, 600) + "…";
    }
}
