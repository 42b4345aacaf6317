package dev.minilab.runtime.tools.review;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.approval.Verdict;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.support.Specs;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * {@code review_plan(plan_id, verdict, findings)} (Security_Sentinel): the verdict that lets a terraform plan be
 * applied. It goes out as a signed bus message to the agent that made the plan and is recorded for the gate.
 */
public final class ReviewPlanTool implements Tool {

    public static final String NAME = "review_plan";

    private final PlanReviews reviews;

    public ReviewPlanTool(PlanReviews reviews) {
        this.reviews = Objects.requireNonNull(reviews, "reviews");
    }

    @Override
    public ToolSpecification specification() {
        return Specs.of(NAME, "Give your verdict on a saved terraform plan. APPROVED lets exactly this plan_id be "
                + "applied; CHANGES_REQUESTED blocks it and sends your findings to the agent that made it. Inspect "
                + "the plan first (read the module's files; the plan summary is in the status line). A new plan of "
                + "the same module voids your approval. After 3 CHANGES_REQUESTED in a row on one module the User "
                + "decides.",
                JsonObjectSchema.builder()
                        .addStringProperty("plan_id", "the 16-hex-digit plan id run_terraform plan returned")
                        .addEnumProperty("verdict", List.of("APPROVED", "CHANGES_REQUESTED"))
                        .addStringProperty("findings", "numbered, concrete findings (file/resource, why, fix); "
                                + "required for CHANGES_REQUESTED, optional notes for APPROVED")
                        .required("plan_id", "verdict")
                        .build());
    }

    @Override
    public ToolResult execute(ToolArguments arguments, ToolContext context) {
        String planId = arguments.requireString("plan_id").strip().toLowerCase(java.util.Locale.ROOT);
        if (!planId.matches("[0-9a-f]{16}")) {
            return ToolResult.error("plan_id '" + planId + "' is not a plan id (16 hex digits as run_terraform plan "
                    + "returned)");
        }
        Optional<Verdict> verdict = Verdict.parse(arguments.requireString("verdict"));
        if (verdict.isEmpty()) {
            return ToolResult.error("verdict must be APPROVED or CHANGES_REQUESTED");
        }
        return switch (reviews.review(planId, verdict.get(), arguments.optionalString("findings").orElse(""))) {
            case PlanReviews.Outcome.Recorded recorded -> ToolResult.ok(recorded.text()
                    + " End your turn with a one-line answer (no @-mention needed: the verdict reached its addressee).");
            case PlanReviews.Outcome.Refused refused -> ToolResult.error("review_plan: " + refused.reason());
        };
    }
}
