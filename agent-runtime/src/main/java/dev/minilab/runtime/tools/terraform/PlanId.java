package dev.minilab.runtime.tools.terraform;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Names one saved terraform plan: the first 16 hex digits of the SHA-256 of the plan file. The approval gate approves
 * a plan id; {@code apply} accepts only a plan id and checks the file still has that hash.
 */
public record PlanId(String value) {

    private static final Pattern FORMAT = Pattern.compile("[0-9a-f]{16}");

    public PlanId {
        Objects.requireNonNull(value, "value");
        if (!FORMAT.matcher(value).matches()) {
            throw new IllegalArgumentException("a plan id is 16 lowercase hex digits, got '" + value + "'");
        }
    }

    /** Parses a plan id as the model wrote it (surrounding spaces and case ignored); null when malformed. */
    public static PlanId parseOrNull(String text) {
        if (text == null) {
            return null;
        }
        String cleaned = text.strip().toLowerCase(java.util.Locale.ROOT);
        return FORMAT.matcher(cleaned).matches() ? new PlanId(cleaned) : null;
    }

    @Override
    public String toString() {
        return value;
    }
}
