package dev.minilab.runtime.approval;

import dev.minilab.runtime.config.ConfigException;
import java.util.Locale;

/** {@code APPROVER}: whose verdict lets a terraform plan be applied. */
public enum Approver {
    /** Security_Sentinel's {@code review_plan} verdict. */
    SECURITY("security", "Security_Sentinel"),
    /** The User's {@code /approve <plan_id>} in the console. */
    USER("user", "User");

    /** The variable that selects the approver. */
    public static final String VARIABLE = "APPROVER";

    private final String wire;
    private final String sender;

    Approver(String wire, String sender) {
        this.wire = wire;
        this.sender = sender;
    }

    public String wire() {
        return wire;
    }

    /** The bus sender whose signed verdict counts. */
    public String sender() {
        return sender;
    }

    /** Parses APPROVER; blank is {@link #SECURITY}. */
    public static Approver parse(String text) {
        if (text == null || text.isBlank()) {
            return SECURITY;
        }
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        for (Approver approver : values()) {
            if (approver.wire.equals(wanted)) {
                return approver;
            }
        }
        throw ConfigException.invalid(VARIABLE, text, "security or user");
    }
}
