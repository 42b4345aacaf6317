package dev.minilab.runtime.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Pattern;

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

    private static final Pattern SAFE_UNQUOTED = Pattern.compile("[A-Za-z0-9_./:=,+@%*?^\\[\\]~-]");

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
            case AUDIT -> "audit-only: read-only commands (" + String.join(", ", AUDIT_COMMANDS.keySet().stream()
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
            segments = split(command);
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
            Map<String, Function<List<String>, String>> all = new java.util.HashMap<>(AUDIT_COMMANDS);
            all.putAll(NETWORK_COMMANDS);
            return all;
        }
        return AUDIT_COMMANDS;
    }

    // ---- lexer: words and the operators between commands; anything shell-active is refused ----

    static List<List<String>> split(String command) {
        List<List<String>> segments = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (c == ' ' || c == '\t') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                i++;
            } else if (c == '|' || c == ';' || c == '&') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                boolean doubled = i + 1 < command.length() && command.charAt(i + 1) == c;
                if (c == '&' && !doubled) {
                    throw new IllegalArgumentException("'&' (background job or redirection) is not allowed");
                }
                if (c == ';' && doubled) {
                    throw new IllegalArgumentException("';;' is not allowed");
                }
                segments.add(words);
                words = new ArrayList<>();
                i += doubled ? 2 : 1;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                if (end < 0) {
                    throw new IllegalArgumentException("unbalanced single quote");
                }
                word = (word == null ? new StringBuilder() : word).append(command, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                int end = i + 1;
                StringBuilder quoted = new StringBuilder();
                while (end < command.length() && command.charAt(end) != '"') {
                    char q = command.charAt(end);
                    if (q == '$' || q == '`' || q == '\\' || q == '!') {
                        throw new IllegalArgumentException("'" + q + "' inside double quotes is not allowed; use single "
                                + "quotes for literal text");
                    }
                    quoted.append(q);
                    end++;
                }
                if (end >= command.length()) {
                    throw new IllegalArgumentException("unbalanced double quote");
                }
                word = (word == null ? new StringBuilder() : word).append(quoted);
                i = end + 1;
            } else if (SAFE_UNQUOTED.matcher(String.valueOf(c)).matches()) {
                if (c == '~' && word != null) {
                    throw new IllegalArgumentException("'~' inside a word is not allowed");
                }
                word = (word == null ? new StringBuilder() : word).append(c);
                i++;
            } else {
                throw new IllegalArgumentException(describeChar(c) + " is not allowed");
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        segments.add(words);
        return segments;
    }

    private static String describeChar(char c) {
        return switch (c) {
            case '>', '<' -> "redirection ('" + c + "')";
            case '$' -> "'$' (variables and command substitution)";
            case '`' -> "a backtick (command substitution)";
            case '(', ')' -> "a subshell ('" + c + "')";
            case '{', '}' -> "a brace group ('" + c + "')";
            case '\n', '\r' -> "a newline";
            case '\\' -> "a backslash";
            case '#' -> "'#' (comment)";
            case '!' -> "'!' (history or negation)";
            default -> "the character '" + (Character.isISOControl(c) ? String.format("\\u%04X", (int) c) : c) + "'";
        };
    }

    // ---- per-command argument rules; null = fine, text = the problem ----

    private static final Function<List<String>, String> ANY_ARGS = args -> null;

    private static Function<List<String>, String> denyFlags(String... flags) {
        return args -> {
            for (String arg : args) {
                for (String flag : flags) {
                    if (arg.equals(flag) || (flag.startsWith("--") && arg.startsWith(flag + "="))) {
                        return "option " + flag + " is not allowed (it writes, deletes or runs something)";
                    }
                }
            }
            return null;
        };
    }

    private static String findRule(List<String> args) {
        for (String arg : args) {
            if (Set.of("-exec", "-execdir", "-ok", "-okdir", "-delete", "-fprint", "-fprint0", "-fprintf", "-fls")
                    .contains(arg)) {
                return arg + " is not allowed (it runs, deletes or writes)";
            }
        }
        return null;
    }

    private static String sortRule(List<String> args) {
        for (String arg : args) {
            if (arg.startsWith("--output") || arg.startsWith("--compress-program")
                    || (arg.startsWith("-") && !arg.startsWith("--") && arg.contains("o"))) {
                return "writing output files (-o/--output) or --compress-program is not allowed";
            }
        }
        return null;
    }

    private static String uniqRule(List<String> args) {
        return args.stream().filter(a -> !a.startsWith("-")).count() > 1
                ? "a second file argument (uniq writes to it) is not allowed" : null;
    }

    private static String tailRule(List<String> args) {
        for (String arg : args) {
            if (arg.equals("-f") || arg.equals("-F") || arg.startsWith("--follow")
                    || (arg.startsWith("-") && !arg.startsWith("--") && (arg.contains("f") || arg.contains("F")))) {
                return "following a file (-f) never ends; read it once instead";
            }
        }
        return null;
    }

    private static String noPositional(List<String> args, Set<String> allowedFlags) {
        for (String arg : args) {
            if (!allowedFlags.contains(arg)) {
                return "argument '" + arg + "' is not allowed (only " + String.join(" ", allowedFlags) + ")";
            }
        }
        return null;
    }

    private static String dateRule(List<String> args) {
        for (String arg : args) {
            if (arg.equals("-s") || arg.startsWith("--set") || arg.startsWith("-f") || arg.startsWith("--file")
                    || (!arg.startsWith("-") && !arg.startsWith("+"))) {
                return "setting the date is not allowed; use 'date' or 'date +FORMAT'";
            }
        }
        return null;
    }

    private static String terraformRule(List<String> args) {
        if (args.isEmpty()) {
            return "give a subcommand: show, validate, version, providers or fmt -check";
        }
        String sub = args.getFirst();
        if (sub.equals("fmt")) {
            return args.contains("-check") && !args.contains("-write=true") ? null
                    : "fmt rewrites files; only 'terraform fmt -check' is allowed";
        }
        if (Set.of("show", "validate", "version", "providers", "-version", "--version", "-help").contains(sub)) {
            return args.stream().anyMatch(a -> a.startsWith("-chdir")) ? "-chdir is not allowed" : null;
        }
        return "only terraform show, validate, version, providers and fmt -check are allowed";
    }

    private static String ansiblePlaybookRule(List<String> args) {
        boolean inspectOnly = args.stream().anyMatch(a -> Set.of("--syntax-check", "--list-tasks", "--list-hosts",
                "--list-tags").contains(a));
        return inspectOnly ? null
                : "only ansible-playbook --syntax-check/--list-tasks/--list-hosts run here; run_ansible runs playbooks";
    }

    private static String pingRule(List<String> args) {
        int i = args.indexOf("-c");
        if (i < 0 || i + 1 >= args.size() || !args.get(i + 1).matches("[1-9]|1[0-9]|20")) {
            return "give a count of 1 to 20 with -c (e.g. ping -c 3 10.0.0.5)";
        }
        return args.stream().anyMatch(a -> a.equals("-f") || a.startsWith("-f")) ? "flood ping (-f) is not allowed" : null;
    }

    private static final Set<String> CURL_CLUSTER_LETTERS = Set.of("s", "S", "I", "k", "v", "i", "f", "L", "4", "6");
    private static final Set<String> CURL_LONG_FLAGS = Set.of("--silent", "--show-error", "--head", "--location",
            "--insecure", "--verbose", "--include", "--fail", "--compressed", "--ipv4", "--ipv6", "--http1.1");
    private static final Set<String> CURL_VALUE_FLAGS = Set.of("-m", "--max-time", "--connect-timeout", "-H",
            "--header", "-w", "--write-out", "-A", "--user-agent", "--max-redirs", "--resolve");

    private static String curlRule(List<String> args) {
        boolean url = false;
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (CURL_VALUE_FLAGS.contains(arg)) {
                i++;
                continue;
            }
            if (CURL_LONG_FLAGS.contains(arg)) {
                continue;
            }
            if (arg.startsWith("-") && !arg.startsWith("--") && arg.length() > 1
                    && arg.substring(1).chars().allMatch(ch -> CURL_CLUSTER_LETTERS.contains(String.valueOf((char) ch)))) {
                continue;
            }
            if (arg.startsWith("-")) {
                return "option " + arg + " is not allowed (allowed: -s -S -I -k -v -i -f -L -m -H -w -A "
                        + "--connect-timeout --max-redirs; no -o, -X, -d, -T, -F, -K)";
            }
            if (arg.contains("://") && !arg.startsWith("http://") && !arg.startsWith("https://")) {
                return "only http:// and https:// URLs are allowed";
            }
            url = true;
        }
        return url ? null : "give a URL";
    }

    private static String ncRule(List<String> args) {
        if (!args.contains("-z")) {
            return "only port checks with -z are allowed (e.g. nc -z -w 3 10.0.0.5 22)";
        }
        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (arg.equals("-w")) {
                i++;
            } else if (arg.startsWith("-") && !Set.of("-z", "-v", "-n", "-u", "-4", "-6", "-zv", "-vz").contains(arg)) {
                return "option " + arg + " is not allowed";
            }
        }
        return null;
    }

    private static final Map<String, Function<List<String>, String>> AUDIT_COMMANDS = Map.ofEntries(
            Map.entry("ls", ANY_ARGS), Map.entry("cat", ANY_ARGS), Map.entry("grep", ANY_ARGS),
            Map.entry("egrep", ANY_ARGS), Map.entry("fgrep", ANY_ARGS), Map.entry("find", ShellPolicy::findRule),
            Map.entry("stat", ANY_ARGS), Map.entry("head", ANY_ARGS), Map.entry("tail", ShellPolicy::tailRule),
            Map.entry("wc", ANY_ARGS), Map.entry("sort", ShellPolicy::sortRule), Map.entry("uniq", ShellPolicy::uniqRule),
            Map.entry("cut", ANY_ARGS), Map.entry("tr", ANY_ARGS), Map.entry("nl", ANY_ARGS),
            Map.entry("diff", denyFlags("--output")), Map.entry("cmp", ANY_ARGS), Map.entry("comm", ANY_ARGS),
            Map.entry("jq", ANY_ARGS), Map.entry("file", denyFlags("-C", "--compile")),
            Map.entry("du", ANY_ARGS), Map.entry("df", ANY_ARGS), Map.entry("pwd", ANY_ARGS),
            Map.entry("whoami", ANY_ARGS), Map.entry("id", ANY_ARGS), Map.entry("uname", ANY_ARGS),
            Map.entry("date", ShellPolicy::dateRule),
            Map.entry("hostname", args -> noPositional(args, Set.of("-I", "-i", "-f", "-s", "-d", "-A"))),
            Map.entry("echo", ANY_ARGS), Map.entry("realpath", ANY_ARGS), Map.entry("readlink", ANY_ARGS),
            Map.entry("basename", ANY_ARGS), Map.entry("dirname", ANY_ARGS), Map.entry("md5sum", ANY_ARGS),
            Map.entry("sha256sum", ANY_ARGS), Map.entry("sha1sum", ANY_ARGS), Map.entry("ps", ANY_ARGS),
            Map.entry("terraform", ShellPolicy::terraformRule),
            Map.entry("ansible-lint", denyFlags("--fix", "--write", "-w", "--generate-ignore")),
            Map.entry("ansible-inventory", denyFlags("--output")),
            Map.entry("ansible-playbook", ShellPolicy::ansiblePlaybookRule));

    private static final Map<String, Function<List<String>, String>> NETWORK_COMMANDS = Map.of(
            "curl", ShellPolicy::curlRule, "ping", ShellPolicy::pingRule, "dig", ANY_ARGS, "host", ANY_ARGS,
            "nslookup", ANY_ARGS, "ss", denyFlags("-K", "--kill"), "netstat", ANY_ARGS, "nc", ShellPolicy::ncRule);

    @Override
    public String toString() {
        return "ShellPolicy[" + mode + "]";
    }
}
