package dev.minilab.runtime.tools.shell;

import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.web.NetworkTargets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Which shell commands a role may run through {@code run_shell}, and what actually runs.
 *
 * <p>Every mode refuses commands that run terraform, tofu, ansible, ansible-playbook, ssh, scp or sftp however they
 * are wrapped ({@link GateCommands}), pointing to the tool to use. {@link #unrestricted()} (DevOps_Builder) runs
 * anything else as written. {@link #auditOnly()} (Security_Sentinel) and {@link #readOnly()} (QA_Tester; adds network
 * probes such as {@code curl -s}, {@code ping -c}, {@code dig}) accept only a pipeline or {@code ;}/{@code &&}/
 * {@code ||} list of allow-listed commands, each with its exact allowed options ({@link OptionSpec}); globs are
 * expanded here, every resulting word is checked, and the command that runs is rebuilt from the checked words, each
 * quoted, so bash expands nothing further. Redirection, substitution, variables, subshells and background jobs are
 * refused. When unsure, they refuse. The kernel sandbox stays the boundary; these rules are the first line.
 */
public final class ShellPolicy {

    private enum Mode { UNRESTRICTED, AUDIT, READ_ONLY }

    /** What to do with one command line. */
    public sealed interface Decision {
        /** Run {@code command} (the checked and rebuilt line for restricted shells, the original otherwise). */
        record Run(String command) implements Decision { }

        /** Do not run; tell the model {@code message}. */
        record Refuse(String message) implements Decision { }
    }

    private final Mode mode;
    private final Set<String> protectedNames;
    private final NetworkTargets targets;

    private ShellPolicy(Mode mode, Set<String> protectedNames, NetworkTargets targets) {
        this.mode = mode;
        this.protectedNames = Set.copyOf(protectedNames);
        this.targets = targets;
    }

    /** Any command but the gated programs (DevOps_Builder). */
    public static ShellPolicy unrestricted() {
        return new ShellPolicy(Mode.UNRESTRICTED, Set.of(), defaultTargets());
    }

    /** Read-only file inspection commands, no network (Security_Sentinel). */
    public static ShellPolicy auditOnly() {
        return new ShellPolicy(Mode.AUDIT, Set.of(".env"), defaultTargets());
    }

    /** The audit commands plus read-only network probes (QA_Tester). */
    public static ShellPolicy readOnly() {
        return new ShellPolicy(Mode.READ_ONLY, Set.of(".env"), defaultTargets());
    }

    /** Public addresses only, until the toolbox gives the configured targets. */
    private static NetworkTargets defaultTargets() {
        return NetworkTargets.fromEnv(Map.of(), HostAllowlist.denyAll());
    }

    /** Returns a copy that also refuses words naming these files (e.g. the SSH key's file name). */
    public ShellPolicy protecting(Set<String> fileNames) {
        Set<String> all = new HashSet<>(protectedNames);
        all.addAll(fileNames);
        return new ShellPolicy(mode, all, targets);
    }

    /** Returns a copy whose network probes may reach what {@code networkTargets} allows. */
    public ShellPolicy withNetworkTargets(NetworkTargets networkTargets) {
        return new ShellPolicy(mode, protectedNames, networkTargets);
    }

    public boolean isUnrestricted() {
        return mode == Mode.UNRESTRICTED;
    }

    /** Whether this shell's processes get the host's network (the audit shell gets none). */
    public boolean needsNetwork() {
        return mode != Mode.AUDIT;
    }

    /** Whether this shell's processes may write in the workspace. */
    public boolean writesWorkspace() {
        return mode == Mode.UNRESTRICTED;
    }

    /** A short description for the tool's specification. */
    public String describe() {
        return switch (mode) {
            case UNRESTRICTED -> "any bash command except terraform, tofu, ansible, ansible-playbook, ssh, scp and "
                    + "sftp (use run_terraform, run_ansible and run_ssh)";
            case AUDIT -> "audit-only, no network: read-only commands (" + String.join(", ", sorted(allowed()))
                    + ") with their read-only options, no redirection, no command substitution";
            case READ_ONLY -> "read-only commands (" + String.join(", ", sorted(allowed()))
                    + ") with their read-only options, no redirection, no command substitution";
        };
    }

    /** Returns empty when {@code command} may run, else the refusal message (globs relative to the current folder). */
    public Optional<String> refusal(String command) {
        return switch (check(command, Path.of("").toAbsolutePath())) {
            case Decision.Run run -> Optional.empty();
            case Decision.Refuse refuse -> Optional.of(refuse.message());
        };
    }

    /** Decides what runs for {@code command} in {@code workingDirectory}. */
    public Decision check(String command, Path workingDirectory) {
        if (command == null || command.isBlank()) {
            return refuse("the command is empty");
        }
        Optional<String> gated = GateCommands.find(command);
        if (gated.isPresent()) {
            return new Decision.Refuse(GateCommands.refusal(gated.get()));
        }
        if (mode == Mode.UNRESTRICTED) {
            return new Decision.Run(command);
        }
        List<ShellWords.Segment> segments;
        try {
            segments = ShellWords.parse(command);
        } catch (IllegalArgumentException e) {
            return refuse(e.getMessage());
        }
        Map<String, CommandRules.Rule> allowed = allowed();
        NetworkProbes probes = new NetworkProbes(targets);
        StringBuilder rebuilt = new StringBuilder();
        for (ShellWords.Segment segment : segments) {
            if (segment.words().isEmpty()) {
                return refuse("an empty command between operators");
            }
            List<String> words = new ArrayList<>();
            try {
                for (ShellWords.Word word : segment.words()) {
                    words.addAll(word == segment.words().getFirst() ? List.of(word.text())
                            : Globs.expand(word, workingDirectory));
                }
            } catch (IllegalArgumentException e) {
                return refuse(e.getMessage());
            }
            String name = words.getFirst();
            CommandRules.Rule rule = allowed.get(name);
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
            CommandRules.Checked checked;
            try {
                checked = rule.check(name, words.subList(1, words.size()), probes);
            } catch (IllegalArgumentException e) {
                return refuse(e.getMessage());
            }
            for (String path : checked.paths()) {
                String problem = pathProblem(path);
                if (problem != null) {
                    return refuse(problem);
                }
            }
            rebuilt.append(ShellWords.quote(name));
            for (String arg : checked.args()) {
                rebuilt.append(' ').append(ShellWords.quote(arg));
            }
            if (!segment.operator().isEmpty()) {
                rebuilt.append(' ').append(segment.operator()).append(' ');
            }
        }
        return new Decision.Run(rebuilt.toString());
    }

    /** System files a restricted shell may read outside the workspace (nothing with credentials). */
    private static final Set<String> READABLE_SYSTEM_PATHS = Set.of("/etc/hosts", "/etc/os-release", "/etc/resolv.conf",
            "/etc/hostname", "/proc/cpuinfo", "/proc/meminfo", "/proc/loadavg", "/proc/version");

    /** Restricted shells stay in the workspace: no absolute paths (but a few system files), no '~', no '..'. */
    private static String pathProblem(String word) {
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

    private Decision refuse(String why) {
        return new Decision.Refuse("command refused (" + (mode == Mode.AUDIT ? "audit-only"
                : mode == Mode.READ_ONLY ? "read-only" : "DevOps") + " shell): " + why
                + (mode == Mode.UNRESTRICTED ? "" : ". Allowed: " + String.join(", ", sorted(allowed()))
                + ", joined by | ; && || only, with plain or quoted arguments and no >, <, $, backticks, (), & or "
                + "newlines. Use read_file to read workspace files."));
    }

    private Map<String, CommandRules.Rule> allowed() {
        if (mode == Mode.READ_ONLY) {
            Map<String, CommandRules.Rule> all = new HashMap<>(CommandRules.AUDIT_COMMANDS);
            all.putAll(CommandRules.NETWORK_COMMANDS);
            return all;
        }
        return CommandRules.AUDIT_COMMANDS;
    }

    private static List<String> sorted(Map<String, ?> map) {
        return map.keySet().stream().sorted().toList();
    }

    @Override
    public String toString() {
        return "ShellPolicy[" + mode + "]";
    }
}
