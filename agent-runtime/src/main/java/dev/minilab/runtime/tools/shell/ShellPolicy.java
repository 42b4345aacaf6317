package dev.minilab.runtime.tools.shell;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Which shell commands a role may run through {@code run_shell}.
 *
 * <p>{@link #unrestricted()} (DevOps_Builder) runs anything. {@link #auditOnly()} (Security_Sentinel) and
 * {@link #readOnly()} (QA_Tester; adds network probes such as {@code curl -s}, {@code ping -c}, {@code dig}) accept
 * only a pipeline or {@code ;}/{@code &&}/{@code ||} list of allowlisted read-only commands, each with its flags
 * checked, and refuse redirection, command substitution, variables, subshells, background jobs, globs that name
 * protected files and anything they cannot parse. When unsure, they refuse.
 */
public final class ShellPolicy {

    private enum Mode { UNRESTRICTED, AUDIT, READ_ONLY }

    private final Mode mode;
    private final Set<String> protectedNames;

    private ShellPolicy(Mode mode, Set<String> protectedNames) {
        this.mode = mode;
        this.protectedNames = Set.copyOf(protectedNames);
    }

    /** Any command (DevOps_Builder). */
    public static ShellPolicy unrestricted() {
        return new ShellPolicy(Mode.UNRESTRICTED, Set.of());
    }

    /** Read-only file and IaC inspection commands (Security_Sentinel). */
    public static ShellPolicy auditOnly() {
        return new ShellPolicy(Mode.AUDIT, Set.of(".env"));
    }

    /** The audit commands plus read-only network probes (QA_Tester). */
    public static ShellPolicy readOnly() {
        return new ShellPolicy(Mode.READ_ONLY, Set.of(".env"));
    }

    /** Returns a copy that also refuses words naming these files (e.g. the SSH key's file name). */
    public ShellPolicy protecting(Set<String> fileNames) {
        Set<String> all = new java.util.HashSet<>(protectedNames);
        all.addAll(fileNames);
        return new ShellPolicy(mode, all);
    }

    public boolean isUnrestricted() {
        return mode == Mode.UNRESTRICTED;
    }

    /** A short description for the tool's specification. */
    public String describe() {
        return switch (mode) {
            case UNRESTRICTED -> "any bash command";
            case AUDIT -> "audit-only: read-only commands ("
                    + String.join(", ", CommandRules.AUDIT_COMMANDS.keySet().stream()
                    .sorted().toList()) + "), no redirection, no command substitution";
            case READ_ONLY -> "read-only commands (" + String.join(", ", allowed().keySet().stream().sorted().toList())
                    + "), no redirection, no command substitution";
        };
    }

    /** Returns empty when {@code command} may run, else the refusal message (what was refused and what to do). */
    public Optional<String> refusal(String command) {
        if (mode == Mode.UNRESTRICTED) {
            return Optional.empty();
        }
        if (command == null || command.isBlank()) {
            return refuse("the command is empty");
        }
        List<List<String>> segments;
        try {
            segments = ShellWords.split(command);
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        Map<String, Function<List<String>, String>> allowed = allowed();
        for (List<String> words : segments) {
            if (words.isEmpty()) {
                return refuse("an empty command between operators");
            }
            String name = words.getFirst();
            Function<List<String>, String> rule = allowed.get(name);
            if (rule == null) {
                return refuse("'" + name + "' is not an allowed command here");
            }
            for (String word : words) {
                for (String p : protectedNames) {
                    if (word.equals(p) || word.endsWith("/" + p) || word.contains(p + "/")
                            || (p.startsWith(".") && word.contains(p))) {
                        return refuse("'" + word + "' names a protected file (" + p + ")");
                    }
                }
            }
            for (String word : words.subList(1, words.size())) {
                String pathProblem = pathProblem(word);
                if (pathProblem != null) {
                    return refuse(pathProblem);
                }
            }
            String problem = rule.apply(words.subList(1, words.size()));
            if (problem != null) {
                return refuse(name + ": " + problem);
            }
        }
        return Optional.empty();
    }

    /** System files a restricted shell may read outside the workspace (nothing with credentials). */
    private static final Set<String> READABLE_SYSTEM_PATHS = Set.of("/etc/hosts", "/etc/os-release", "/etc/resolv.conf",
            "/etc/hostname", "/proc/cpuinfo", "/proc/meminfo", "/proc/loadavg", "/proc/version");

    /** Restricted shells stay in the workspace: no absolute paths (but a few system files), no '~', no '..'. */
    private static String pathProblem(String word) {
        if (word.contains("://")) {
            return null; // a URL; curl's rule checks the scheme
        }
        for (String part : word.split("=", -1)) {
            if (part.startsWith("~")) {
                return "'" + word + "': home folders are outside the workspace";
            }
            if (part.startsWith("/") && !READABLE_SYSTEM_PATHS.contains(part)) {
                return "'" + word + "': absolute paths are outside the workspace; use paths relative to it (only "
                        + String.join(", ", READABLE_SYSTEM_PATHS.stream().sorted().toList()) + " are readable)";
            }
            for (String segment : part.split("/", -1)) {
                if (segment.equals("..")) {
                    return "'" + word + "': '..' leaves the workspace; use paths relative to it";
                }
            }
        }
        return null;
    }

    private Optional<String> refuse(String why) {
        return Optional.of("command refused (" + (mode == Mode.AUDIT ? "audit-only" : "read-only") + " shell): " + why
                + ". Allowed: " + String.join(", ", allowed().keySet().stream().sorted().toList())
                + ", joined by | ; && || only, with plain or quoted arguments and no >, <, $, backticks, (), & or "
                + "newlines. Use read_file to read workspace files.");
    }

    private Map<String, Function<List<String>, String>> allowed() {
        if (mode == Mode.READ_ONLY) {
            Map<String, Function<List<String>, String>> all = new java.util.HashMap<>(CommandRules.AUDIT_COMMANDS);
            all.putAll(CommandRules.NETWORK_COMMANDS);
            return all;
        }
        return CommandRules.AUDIT_COMMANDS;
    }

    @Override
    public String toString() {
        return "ShellPolicy[" + mode + "]";
    }
}
