package dev.minilab.console;

import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;

import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * The four team roles as the console names them, in display order.
 *
 * <p>Names come from {@link Role}; this class adds the console's lenient parsing.
 */
public final class Roles {

    /** The sender name of messages typed by a person at a console. */
    public static final String USER = Message.USER;

    /** Every role, in the order the status line and {@code /status} show them. */
    public static final List<String> ALL = Role.names();

    private Roles() {
    }

    /**
     * Resolves what a person typed to a role name: exact name case-insensitively, with or without a leading
     * {@code @}, or a unique prefix ({@code devops}, {@code qa}, {@code sec}, {@code arch}).
     */
    public static Optional<String> resolve(String typed) {
        if (typed == null || typed.isBlank()) {
            return Optional.empty();
        }
        String wanted = typed.strip().replaceFirst("^@", "").toLowerCase(Locale.ROOT);
        Optional<Role> known = Role.parse(wanted);
        if (known.isPresent()) {
            return Optional.of(known.get().displayName());
        }
        for (String role : ALL) {
            if (role.toLowerCase(Locale.ROOT).equals(wanted)) {
                return Optional.of(role);
            }
        }
        List<String> prefixed = ALL.stream().filter(r -> r.toLowerCase(Locale.ROOT).startsWith(wanted)).toList();
        return prefixed.size() == 1 ? Optional.of(prefixed.getFirst()) : Optional.empty();
    }

    /** Whether {@code sender} is one of the four roles (not the User, not an unknown process). */
    public static boolean isRole(String sender) {
        return ALL.contains(sender);
    }
}
