package dev.minilab.runtime.approval;

import java.util.Locale;
import java.util.Optional;

/** A reviewer's verdict on one plan. */
public enum Verdict {
    APPROVED,
    CHANGES_REQUESTED;

    /** Parses {@code APPROVED} or {@code CHANGES_REQUESTED} (case-insensitive, blanks and '-' allowed). */
    public static Optional<Verdict> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.strip().toUpperCase(Locale.ROOT).replace('-', '_').replace(' ', '_');
        for (Verdict verdict : values()) {
            if (verdict.name().equals(wanted)) {
                return Optional.of(verdict);
            }
        }
        return Optional.empty();
    }
}
