package dev.minilab.runtime.approval;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.discipline.DisciplineKeys;
import dev.minilab.runtime.tools.terraform.PlanGate;
import io.lettuce.core.api.sync.RedisCommands;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The approval gate (LESSONS rows 13, 17): every terraform plan is recorded in Redis with what it changes and who
 * made it; {@code apply} of a plan id needs an {@code APPROVED} verdict for that id, carried by a signed bus message
 * of the approver ({@code APPROVER}: Security_Sentinel, or the User at the console).
 *
 * <ul>
 *   <li>A new plan of a module voids earlier approvals of that module (only the module's newest plan may be
 *       applied, and re-planning an identical plan drops its old verdict).</li>
 *   <li>A destroy is a plan like any other.</li>
 *   <li>After {@value #MAX_ROUNDS} {@code CHANGES_REQUESTED} in a row on one module the matter goes to the User: from
 *       then on only the User's {@code /approve} lets that module's plans through, until the User approves one.</li>
 *   <li>The verdict is checked where it is used, at apply ({@link SignedVerdicts}): a verdict written into Redis
 *       without the approver's valid signature does not count.</li>
 *   <li>The User outranks the reviewer: a signed verdict of the User counts whoever the approver is.</li>
 * </ul>
 * A {@code force-unlock} of a state lock left by a killed run goes the same way (issue 19): the first call records an
 * unlock request with an id of its own as the module's newest "plan" and asks the approver; the call runs once that id
 * is APPROVED.
 * Redis keys: {@code plan_records}, {@code plan_current}, {@code plan_verdicts}, {@code plan_review_rounds}.
 */
public final class PlanReviews implements PlanGate {

    /** CHANGES_REQUESTED verdicts in a row on one module before the User decides. */
    public static final int MAX_ROUNDS = 3;
    private static final Logger LOG = LoggerFactory.getLogger(PlanReviews.class);

    /** What a verdict led to. */
    public sealed interface Outcome {
        /** The verdict went out on the bus and counts for the gate; {@code text} says what happens next. */
        record Recorded(String text) implements Outcome { }

        /** The verdict was not accepted; {@code reason} says why and what to do. */
        record Refused(String reason) implements Outcome { }
    }

    private final String self;
    private final Approver approver;
    private final TeamBus bus;
    private final RedisCommands<String, String> redis;
    private final DisciplineKeys keys;
    private final SignedVerdicts verdicts;
    private final UnaryOperator<String> redactor;

    /**
     * @param self the sender of this process (an agent, or {@code User} for the console)
     */
    public PlanReviews(String self, Approver approver, TeamBus bus, UnaryOperator<String> redactor) {
        this.self = Objects.requireNonNull(self, "self");
        this.approver = Objects.requireNonNull(approver, "approver");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.redis = bus.commands();
        this.keys = DisciplineKeys.of(bus.keys());
        this.verdicts = new SignedVerdicts(bus.guard());
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    public Approver approver() {
        return approver;
    }

    // ---- run_terraform's hook ----

    @Override
    public String planned(Plan plan) {
        PlanRecord record = new PlanRecord(plan, Instant.now());
        redis.hset(keys.plans(), plan.planId(), record.toJson());
        String previous = redis.hget(keys.currentPlans(), plan.module());
        redis.hset(keys.currentPlans(), plan.module(), plan.planId());
        redis.hdel(keys.verdicts(), plan.planId()); // a verdict given before this plan was made does not carry over
        String decider = approverFor(plan.module());
        String how = decider.equals(Message.USER)
                ? "the User approves it in the console: /approve " + plan.planId() + " (or /reject " + plan.planId()
                        + " <why>)"
                : decider + " reviews it with review_plan";
        String status = plan.plannedBy() + " planned " + plan.module() + ": plan " + plan.planId() + " — "
                + plan.changes() + (plan.destroyPlan() ? " [destroy plan]" : "") + ". Needs approval before apply: "
                + how + ".";
        try {
            bus.publish(Message.status(self, redactor.apply(status)));
        } catch (RuntimeException e) {
            LOG.warn("Could not post the plan's status line: {}", e.toString());
        }
        return "Approval gate: this plan must be APPROVED before apply (" + how + ")."
                + (previous != null && !previous.equals(plan.planId()) ? " It replaces plan " + previous
                        + " of this module, whose approval no longer counts." : "")
                + (decider.equals(Message.USER) ? " Tell @Architect_Zero it waits for the User."
                        : " Ask @" + decider + " to review plan_id " + plan.planId() + ".");
    }

    @Override
    public Optional<String> refuseApply(String planId, String module) {
        Optional<PlanRecord> record = PlanRecord.fromJson(redis.hget(keys.plans(), planId));
        if (record.isEmpty()) {
            return Optional.of("plan " + planId + " was never recorded for review; run command=plan again and have "
                    + "the new plan_id approved");
        }
        if (!record.get().plan().module().equals(module)) {
            return Optional.of("plan " + planId + " belongs to " + record.get().plan().module() + ", not " + module);
        }
        String current = redis.hget(keys.currentPlans(), module);
        if (!planId.equals(current)) {
            return Optional.of("plan " + planId + " was superseded by plan " + current + " of " + module + " (a new "
                    + "plan voids earlier approvals); have plan " + current + " approved and apply that one");
        }
        String decider = approverFor(module);
        String payload = redis.hget(keys.verdicts(), planId);
        if (payload == null) {
            return Optional.of("plan " + planId + " has no verdict yet. " + howToApprove(decider, planId));
        }
        return switch (verdicts.check(payload, decider)) {
            case SignedVerdicts.Checked.Refused refused -> {
                LOG.warn("Apply of plan {} refused: {}", planId, refused.reason());
                yield Optional.of("the verdict on record for plan " + planId + " does not count: " + refused.reason()
                        + ". " + howToApprove(decider, planId));
            }
            case SignedVerdicts.Checked.Genuine genuine when !genuine.verdict().planId().equals(planId)
                    || !genuine.verdict().module().equals(module) ->
                    Optional.of("the verdict on record is for plan " + genuine.verdict().planId() + ", not " + planId);
            case SignedVerdicts.Checked.Genuine genuine when genuine.verdict().verdict() != Verdict.APPROVED ->
                    Optional.of(decider + " requested changes to plan " + planId + ": " + abbreviate(
                            genuine.verdict().findings()) + ". Fix them, plan again and have the new plan reviewed.");
            case SignedVerdicts.Checked.Genuine genuine -> Optional.empty();
        };
    }

    /**
     * Whether {@code planId} of {@code module} is its module's newest recorded plan and has no verdict yet: the gate
     * still waits for its approver (a caller that blocks until the verdict, like the {@code provision} tool, polls
     * this next to {@link #refuseApply}).
     */
    public boolean awaitingVerdict(String planId, String module) {
        Optional<PlanRecord> record = PlanRecord.fromJson(redis.hget(keys.plans(), planId));
        return record.isPresent() && record.get().plan().module().equals(module)
                && planId.equals(redis.hget(keys.currentPlans(), module)) && redis.hget(keys.verdicts(), planId) == null;
    }

    /**
     * A force-unlock needs the approver's APPROVED verdict on an unlock request: the first call records the request
     * (id = hash of module and lock id, 16 hex digits like a plan id, so review_plan and /approve take it), posts a
     * status line saying what is asked and refuses; later calls with the same lock id run once it is approved.
     * Recording it voids earlier approvals of the module's plans: after a killed run the module is planned again.
     */
    @Override
    public Optional<String> refuseForceUnlock(String lockId, String module) {
        String requestId = unlockRequestId(module, lockId);
        boolean pending = redis.hget(keys.plans(), requestId) != null
                && requestId.equals(redis.hget(keys.currentPlans(), module));
        if (!pending) {
            Plan request = new Plan(requestId, module, 0, 0, 0, false, self);
            redis.hset(keys.plans(), requestId, new PlanRecord(request, Instant.now()).toJson());
            redis.hset(keys.currentPlans(), module, requestId);
            redis.hdel(keys.verdicts(), requestId);
            String decider = approverFor(module);
            String how = decider.equals(Message.USER) ? "the User approves it in the console: /approve " + requestId
                    : decider + " reviews it with review_plan(plan_id=" + requestId + ")";
            String status = self + " asks to FORCE-UNLOCK the terraform state of " + module + " (lock " + lockId
                    + " left by a killed run): request " + requestId + ". Approve only if no terraform runs on this "
                    + "state any more. Needs approval: " + how + ".";
            try {
                bus.publish(Message.status(self, redactor.apply(status)));
            } catch (RuntimeException e) {
                LOG.warn("Could not post the force-unlock request's status line: {}", e.toString());
            }
            return Optional.of("force-unlock of " + module + " needs approval first: recorded as request " + requestId
                    + " (earlier plans of this module no longer count). " + howToApprove(decider, requestId)
                    + " Once it is APPROVED, call force-unlock again with the same lock_id.");
        }
        return refuseApply(requestId, module).map(why -> "force-unlock request " + requestId + ": " + why);
    }

    /** The id of the unlock request for {@code lockId} of {@code module}: 16 hex digits, like a plan id. */
    static String unlockRequestId(String module, String lockId) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(("force-unlock\n" + module + "\n" + lockId)
                    .getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash).substring(0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }

    // ---- verdicts ----

    /**
     * Gives this process's verdict on {@code planId}: checks that this sender is the plan's approver now and that the
     * plan is its module's newest, publishes the signed verdict message and records it for the gate.
     */
    public Outcome review(String planId, Verdict verdict, String findings) {
        Optional<PlanRecord> record = PlanRecord.fromJson(redis.hget(keys.plans(), planId));
        if (record.isEmpty()) {
            return new Outcome.Refused("no plan " + planId + " is recorded; check the plan_id run_terraform plan "
                    + "returned (16 hex digits)");
        }
        Plan plan = record.get().plan();
        String current = redis.hget(keys.currentPlans(), plan.module());
        if (!planId.equals(current)) {
            return new Outcome.Refused("plan " + planId + " was superseded by plan " + current + " of " + plan.module()
                    + "; review that one");
        }
        String decider = approverFor(plan.module());
        if (!decider.equals(self) && !self.equals(Message.USER)) {
            return new Outcome.Refused(decider.equals(Message.USER)
                    ? "the User decides on plans of " + plan.module() + (approver == Approver.USER ? " (APPROVER=user)"
                            : " after " + MAX_ROUNDS + " rounds of requested changes") + "; put your findings in your "
                            + "answer to @Architect_Zero instead"
                    : "only " + decider + " approves plans here (APPROVER=" + approver.wire() + ")");
        }
        if (verdict == Verdict.CHANGES_REQUESTED && (findings == null || findings.isBlank())) {
            return new Outcome.Refused("CHANGES_REQUESTED needs findings: what to change, where and why");
        }
        String content = new VerdictText(planId, verdict, plan.module(), findings == null ? "" : findings).render();
        List<String> to = self.equals(Message.USER) ? List.of() : List.of(plan.plannedBy());
        Message sent = bus.publish(self.equals(Message.USER) ? Message.chat(self, redactor.apply(content))
                : Message.chatTo(self, redactor.apply(content), to));
        redis.hset(keys.verdicts(), planId, MessageCodec.encode(sent));
        if (verdict == Verdict.APPROVED) {
            redis.hset(keys.reviewRounds(), plan.module(), "0");
            return new Outcome.Recorded("APPROVED plan " + planId + " of " + plan.module() + " (" + plan.changes()
                    + "); " + plan.plannedBy() + " may apply it now.");
        }
        if (self.equals(Message.USER)) {
            return new Outcome.Recorded("CHANGES_REQUESTED on plan " + planId + "; the team gets your reasons.");
        }
        long rounds = redis.hincrby(keys.reviewRounds(), plan.module(), 1);
        if (rounds >= MAX_ROUNDS) {
            bus.publish(Message.chatTo(self, redactor.apply(VerdictText.MARKER + " " + plan.module() + ": "
                    + rounds + " CHANGES_REQUESTED in a row, so the User decides now. Latest plan " + planId + " ("
                    + plan.changes() + "), findings: " + abbreviate(findings) + "\nApprove it with /approve " + planId
                    + " or reject it with /reject " + planId + " <why>."), List.of(Message.USER)));
            return new Outcome.Recorded("CHANGES_REQUESTED on plan " + planId + " (round " + rounds + " of "
                    + MAX_ROUNDS + "): the matter went to the User, who decides on " + plan.module() + " now.");
        }
        return new Outcome.Recorded("CHANGES_REQUESTED on plan " + planId + " (round " + rounds + " of " + MAX_ROUNDS
                + " before the User decides); " + plan.plannedBy() + " got your findings.");
    }

    /** The recorded plan {@code planId}, if any (the console shows its summary). */
    public Optional<PlanRecord> record(String planId) {
        return PlanRecord.fromJson(redis.hget(keys.plans(), planId));
    }

    /** Who decides on {@code module}'s plans now: the User (APPROVER=user or escalated) or Security_Sentinel. */
    public String approverFor(String module) {
        if (approver == Approver.USER) {
            return Message.USER;
        }
        String rounds = redis.hget(keys.reviewRounds(), module);
        try {
            return rounds != null && Long.parseLong(rounds) >= MAX_ROUNDS ? Message.USER : approver.sender();
        } catch (NumberFormatException e) {
            return approver.sender();
        }
    }

    private static String howToApprove(String decider, String planId) {
        return decider.equals(Message.USER)
                ? "The User approves it in the console with /approve " + planId + "; tell @Architect_Zero it waits."
                : "Ask @" + decider + " to review plan_id " + planId + " (review_plan).";
    }

    private static String abbreviate(String text) {
        String line = text == null ? "" : text.strip().replaceAll("\\s+", " ");
        return line.length() <= 300 ? line : line.substring(0, 300) + "…";
    }
}
