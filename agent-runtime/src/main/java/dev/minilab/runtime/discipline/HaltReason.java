package dev.minilab.runtime.discipline;

import java.util.Arrays;
import java.util.Optional;

/** Why the team halted a User request (label {@code reason} of {@code agent_halts_total}). */
public enum HaltReason {
    /** MAX_HOPS agent-to-agent messages since the User's last message. */
    HOPS("hops"),
    /** Two agents exchanged near-identical messages several times in a row. */
    LOOP("loop"),
    /** MAX_COST_USD spent on this request. */
    COST("cost"),
    /** MAX_TOKENS used on this request. */
    TOKENS("tokens");

    private final String wire;

    HaltReason(String wire) {
        this.wire = wire;
    }

    /** The value stored in Redis and used as metric label. */
    public String wire() {
        return wire;
    }

    /** The reason stored as {@code text}, if it is one. */
    public static Optional<HaltReason> parse(String text) {
        return Arrays.stream(values()).filter(r -> r.wire.equals(text)).findFirst();
    }
}
