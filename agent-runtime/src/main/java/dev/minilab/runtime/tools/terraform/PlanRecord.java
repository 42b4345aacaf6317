package dev.minilab.runtime.tools.terraform;

import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Objects;

/**
 * What the reviewer and the approval gate know about one saved plan: its id, the module it belongs to, what it does
 * (from {@code terraform show -json}), who made it and when. Every field is bound to the {@link PlanId}: a record
 * whose fields were changed on disk no longer hashes to its id and is refused.
 *
 * @param id          the plan id (what gets approved and applied)
 * @param moduleDir   the module folder (absolute)
 * @param toAdd       resources created (a replacement counts here and in {@code toDestroy}, as terraform counts)
 * @param toChange    resources updated in place
 * @param toDestroy   resources deleted, including replacements
 * @param destroyed   the address of every resource the plan deletes, with {@code (replace)} for a replacement
 * @param destroyPlan made by {@code destroy} ({@code plan -destroy})
 * @param plannedBy   the agent that made the plan
 * @param plannedAt   when the plan was saved
 */
public record PlanRecord(PlanId id, Path moduleDir, int toAdd, int toChange, int toDestroy, List<String> destroyed,
                         boolean destroyPlan, String plannedBy, Instant plannedAt) {

    public PlanRecord {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(moduleDir, "moduleDir");
        destroyed = List.copyOf(destroyed);
        Objects.requireNonNull(plannedBy, "plannedBy");
        Objects.requireNonNull(plannedAt, "plannedAt");
        if (toAdd < 0 || toChange < 0 || toDestroy < 0) {
            throw new IllegalArgumentException("negative resource count");
        }
    }

    /** True when applying this plan deletes anything (a destroy plan, a replacement, a resource removed from the
     * configuration); such a plan is applied only with {@code confirm_destroy=true}. */
    public boolean destroys() {
        return toDestroy > 0 || destroyPlan;
    }

    /** {@code 1 to add, 0 to change, 1 to destroy} as terraform says it. */
    public String counts() {
        return toAdd + " to add, " + toChange + " to change, " + toDestroy + " to destroy";
    }

    /**
     * One line for the reviewer: the counts and, when the plan deletes anything, a {@code DESTROYS} label naming what.
     */
    public String summary() {
        String label = !destroys() ? "" : " -- DESTROYS " + (destroyed.isEmpty() ? "nothing in the state yet"
                : toDestroy + " resource(s): " + String.join(", ", destroyed));
        return (destroyPlan ? "DESTROY plan: " : "") + counts() + label;
    }
}
