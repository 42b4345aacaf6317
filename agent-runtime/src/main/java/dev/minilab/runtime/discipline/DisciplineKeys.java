package dev.minilab.runtime.discipline;

import dev.minilab.runtime.bus.BusKeys;
import java.util.List;

/**
 * The Redis keys of the guardrails, under the bus's prefix (README "Redis keys").
 *
 * @param prefix the bus keys' prefix (empty for the standard names)
 */
public record DisciplineKeys(String prefix) {

    public DisciplineKeys {
        prefix = prefix == null ? "" : prefix;
    }

    /** The keys next to {@code bus}'s keys. */
    public static DisciplineKeys of(BusKeys bus) {
        return new DisciplineKeys(bus.prefix());
    }

    /** Hash: the current User request's hop count, tokens, dollars, halt and open question. */
    public String requestState() {
        return prefix + "request_state";
    }

    /** Hash: plan id → the recorded plan (module, changes, who planned it, voided or not). */
    public String plans() {
        return prefix + "plan_records";
    }

    /** Hash: module → the id of its newest plan (an older plan of the module is void). */
    public String currentPlans() {
        return prefix + "plan_current";
    }

    /** Hash: plan id → the approver's signed verdict message, exactly as published on the bus. */
    public String verdicts() {
        return prefix + "plan_verdicts";
    }

    /** Hash: module → CHANGES_REQUESTED verdicts in a row (3 send the matter to the User). */
    public String reviewRounds() {
        return prefix + "plan_review_rounds";
    }

    /** String: the bus's {@code chat_seq} (the request counters refuse a seq above it). */
    public String sequence() {
        return prefix + "chat_seq";
    }

    /** Every key, for the ACL file. */
    public List<String> all() {
        return List.of(requestState(), plans(), currentPlans(), verdicts(), reviewRounds());
    }
}
