package dev.minilab.provisioning.tool;

import dev.minilab.provisioning.ports.ApprovalGate;
import dev.minilab.provisioning.terraform.TerraformBackend;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.control.CancelledException;
import dev.minilab.runtime.tools.terraform.PlanGate;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The team's approval gate for the pipeline's real target, the same one {@code run_terraform apply} passes
 * ({@link PlanReviews}, README "Guardrails"): each plan the pipeline makes is recorded as a plan of its deployment
 * folder ({@code generated_iac/infra/deployments/<name>}, with the status line every plan gets), its approver
 * (Security_Sentinel, or the User with {@code APPROVER=user} or after three rounds of requested changes) is asked on
 * the bus, and the run waits until a signed {@code APPROVED} verdict for that plan id is on record. A
 * {@code CHANGES_REQUESTED} verdict, a verdict that does not count (unsigned, another plan's), a newer plan of the
 * deployment, a halt of the team's request (no agent takes a turn then) or no verdict within
 * {@code PROVISION_APPROVAL_TIMEOUT_SECONDS} refuses the plan; STOP ends the wait.
 */
public final class TeamApprovalGate implements ApprovalGate {

    /** The setting for how long a run waits for a verdict. */
    public static final String TIMEOUT_VARIABLE = "PROVISION_APPROVAL_TIMEOUT_SECONDS";
    public static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Logger LOG = LoggerFactory.getLogger(TeamApprovalGate.class);

    private final PlanReviews reviews;
    private final String self;
    private final TeamBus bus;
    private final Duration timeout;
    private final UnaryOperator<String> redactor;
    private final Consumer<Message> published;
    private final Supplier<Optional<String>> halted;

    /**
     * @param self      the agent that runs the pipeline (it is who planned)
     * @param timeout   how long to wait for the verdict on one plan
     * @param published told of the review request this gate publishes as {@code self}, as the agent's own messages
     *                  are (the guardrails count it as a hop and in {@code agent_messages_total})
     * @param halted    why the team's current request is halted, if it is ({@code TeamDiscipline::haltedFor})
     */
    public TeamApprovalGate(PlanReviews reviews, String self, TeamBus bus, Duration timeout,
                            UnaryOperator<String> redactor, Consumer<Message> published,
                            Supplier<Optional<String>> halted) {
        this.reviews = Objects.requireNonNull(reviews, "reviews");
        this.self = Objects.requireNonNull(self, "self");
        this.bus = Objects.requireNonNull(bus, "bus");
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
        this.published = Objects.requireNonNull(published, "published");
        this.halted = Objects.requireNonNull(halted, "halted");
    }

    /** {@value #TIMEOUT_VARIABLE} from {@code env} (whole seconds, 1..86400), else {@link #DEFAULT_TIMEOUT}. */
    public static Duration timeoutFromEnv(Map<String, String> env) {
        String text = env.get(TIMEOUT_VARIABLE);
        if (text == null || text.isBlank()) {
            return DEFAULT_TIMEOUT;
        }
        try {
            long seconds = Long.parseLong(text.strip());
            if (seconds >= 1 && seconds <= 86_400) {
                return Duration.ofSeconds(seconds);
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(TIMEOUT_VARIABLE, text, "a whole number of seconds from 1 to 86400");
    }

    /** The module name the gate knows a deployment's plans by. */
    public static String module(String deployment) {
        return TerraformBackend.DEPLOYMENTS + "/" + deployment;
    }

    @Override
    public Decision review(PlanSummary plan, Cancellation cancellation) {
        String module = module(plan.deployment());
        reviews.planned(new PlanGate.Plan(plan.planId(), module, plan.add(), plan.change(), plan.destroy(), false,
                self));
        String decider = reviews.approverFor(module);
        ask(plan, module, decider);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            cancellation.throwIfCancelled();
            Optional<String> refused = reviews.refuseApply(plan.planId(), module);
            if (refused.isEmpty()) {
                return new Approved(decider + " (signed APPROVED verdict on plan " + plan.planId() + ")");
            }
            if (!reviews.awaitingVerdict(plan.planId(), module)) {
                // A verdict (or a newer plan) may have landed between the two reads: decide on what is on record now,
                // or a genuine APPROVED arriving in that window would be refused as "no verdict yet".
                Optional<String> now = reviews.refuseApply(plan.planId(), module);
                if (now.isEmpty()) {
                    return new Approved(decider + " (signed APPROVED verdict on plan " + plan.planId() + ")");
                }
                return new Refused(decider, now.get());
            }
            Optional<String> halt = halted.get();
            if (halt.isPresent()) {
                return new Refused(decider, "the team halted this request (" + halt.get() + ") while plan "
                        + plan.planId() + " waited for its verdict, so no verdict can come; nothing was applied. The "
                        + "User's next message starts a new request");
            }
            if (System.nanoTime() - deadline >= 0) {
                return new Refused(decider, "no verdict on plan " + plan.planId() + " within " + timeout.toSeconds()
                        + " s (" + TIMEOUT_VARIABLE + "); nothing was applied. Have the plan reviewed and run provision "
                        + "again");
            }
            try {
                Thread.sleep(POLL);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new CancelledException();
            }
        }
    }

    /** Puts the plan to its approver: an @-mention for Security_Sentinel, a message to the User for /approve. */
    private void ask(PlanSummary plan, String module, String decider) {
        String what = "plan " + plan.planId() + " of " + module + " (" + plan.add() + " to add, " + plan.change()
                + " to change, " + plan.destroy() + " to destroy)";
        String text = decider.equals(Message.USER)
                ? "provision waits for your approval of " + what + ": /approve " + plan.planId() + " or /reject "
                        + plan.planId() + " <why>. Nothing is applied before."
                : "@" + decider + " provision waits for your review of " + what + ". The variables are in "
                        + module + "/terraform.tfvars.json, the module's .tf files next to them. Give your verdict "
                        + "with review_plan(plan_id=\"" + plan.planId() + "\", ...); nothing is applied before.";
        try {
            Message request = Message.chatTo(self, redactor.apply(text), List.of(decider));
            published.accept(request);
            bus.publish(request);
        } catch (RuntimeException e) {
            LOG.warn("Could not ask {} to review plan {}: {}", decider, plan.planId(), e.toString());
        }
    }
}
