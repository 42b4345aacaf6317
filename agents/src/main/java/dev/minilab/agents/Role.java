package dev.minilab.agents;

import dev.minilab.runtime.bus.Addressing;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The four roles of the team (names are part of the bus contract). */
public enum Role {
    ARCHITECT_ZERO("Architect_Zero", "architect"),
    DEVOPS_BUILDER("DevOps_Builder", "devops"),
    SECURITY_SENTINEL("Security_Sentinel", "security"),
    QA_TESTER("QA_Tester", "qa");

    private final String displayName;
    private final String shortName;

    Role(String displayName, String shortName) {
        this.displayName = displayName;
        this.shortName = shortName;
    }

    /** The name on the bus, in prompts and in file names: {@code Architect_Zero}. */
    public String displayName() {
        return displayName;
    }

    /** A short alias for commands: {@code architect}, {@code devops}, {@code security}, {@code qa}. */
    public String shortName() {
        return shortName;
    }

    /** Who this role escalates to: Architect_Zero for the others, the User for Architect_Zero. */
    public String escalationTarget() {
        return this == ARCHITECT_ZERO ? "User" : ARCHITECT_ZERO.displayName;
    }

    /** Parses a display name, enum name or short alias, case-insensitively. */
    public static Optional<Role> parse(String text) {
        if (text == null) {
            return Optional.empty();
        }
        String wanted = text.strip().toLowerCase(Locale.ROOT);
        return Arrays.stream(values())
                .filter(r -> r.displayName.toLowerCase(Locale.ROOT).equals(wanted)
                        || r.name().toLowerCase(Locale.ROOT).equals(wanted)
                        || r.shortName.equals(wanted))
                .findFirst();
    }

    /** Every display name, in team order. */
    public static List<String> names() {
        return Arrays.stream(values()).map(Role::displayName).toList();
    }

    /** The team's addressing rules: Architect_Zero answers the User, everyone answers @-mentions. */
    public static Addressing addressing() {
        Set<String> names = new LinkedHashSet<>(names());
        return new Addressing(names, ARCHITECT_ZERO.displayName);
    }

    /** A one-line list of valid names for error messages. */
    public static String validNames() {
        return String.join(", ", names()) + " (or architect, devops, security, qa)";
    }
}
