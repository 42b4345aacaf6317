package dev.minilab.runtime.discipline;

import dev.minilab.runtime.config.ConfigException;
import java.util.Locale;

/**
 * {@code MINILAB_MODE}: what the team may change. In {@link #PLAN_ONLY} terraform apply and destroy are refused,
 * {@code run_ansible} runs only with {@code --check --diff}, and {@code run_ssh} and {@code run_shell} accept only
 * the read-only commands QA_Tester may run.
 */
public enum Mode {
    NORMAL("normal"),
    PLAN_ONLY("plan-only");

    /** The variable that selects the mode. */
    public static final String VARIABLE = "MINILAB_MODE";

    private final String wire;

    Mode(String wire) {
        this.wire = wire;
    }

    /** The value as written in .env and shown by the console: {@code normal}, {@code plan-only}. */
    public String wire() {
        return wire;
    }

    /** Parses {@code MINILAB_MODE}; blank or null is {@link #NORMAL}. */
    public static Mode parse(String text) {
        if (text == null || text.isBlank()) {
            return NORMAL;
        }
        String wanted = text.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        for (Mode mode : values()) {
            if (mode.wire.equals(wanted)) {
                return mode;
            }
        }
        throw ConfigException.invalid(VARIABLE, text, "normal or plan-only");
    }
}
