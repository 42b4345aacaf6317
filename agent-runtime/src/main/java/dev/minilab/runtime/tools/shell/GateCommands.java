package dev.minilab.runtime.tools.shell;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The programs that must go through their own tool (issue 9 item 5): terraform and tofu (run_terraform: the plan
 * gate), ansible and ansible-playbook (run_ansible: the host allowlist), ssh, scp and sftp (run_ssh: allowlist and
 * pinned host keys). {@link #find} spots them in any command position of a bash command line, also behind wrappers
 * ({@code bash -c}, {@code sh -c}, {@code env}, {@code xargs}, {@code sudo}, {@code timeout}, {@code find -exec},
 * {@code eval}, command substitution) and given by path or with quotes inside the name.
 *
 * <p>This is a string check, the first line. The second is the sandbox: run_shell's view replaces these
 * executables with stubs, and none of their credentials (SSH key, Proxmox token) is in it.
 */
public final class GateCommands {

    /** Executable names that run_shell refuses. */
    public static final Set<String> NAMES = Set.of("terraform", "tofu", "ansible", "ansible-playbook",
            "ansible-console", "ansible-pull", "ssh", "scp", "sftp");

    private static final Map<String, String> TOOL = Map.ofEntries(
            Map.entry("terraform", "run_terraform"), Map.entry("tofu", "run_terraform"),
            Map.entry("ansible", "run_ansible"), Map.entry("ansible-playbook", "run_ansible"),
            Map.entry("ansible-console", "run_ansible"), Map.entry("ansible-pull", "run_ansible"),
            Map.entry("ssh", "run_ssh"), Map.entry("scp", "run_ssh"), Map.entry("sftp", "run_ssh"));

    /** Programs that run the command given after their own options. */
    private static final Set<String> WRAPPERS = Set.of("env", "sudo", "doas", "nohup", "nice", "ionice", "timeout",
            "stdbuf", "setsid", "exec", "command", "builtin", "xargs", "time", "watch", "flock", "chroot", "unshare",
            "nsenter", "strace", "ltrace", "busybox", "runuser", "parallel", "systemd-run", "taskset", "chrt",
            "prlimit", "firejail", "torsocks", "proxychains", "proxychains4", "script", "then", "do", "else", "!",
            "if", "while", "until", "coproc", "which", "type", "whereis", "catchsegv", "faketime", "fakeroot", "su", "retry", "nocache");
    /** Shells whose {@code -c STRING} argument is a command line. */
    private static final Set<String> SHELLS = Set.of("bash", "sh", "dash", "zsh", "ksh", "ash", "mksh", "yash",
            "fish", "rbash", "su", "runuser", "script", "watch");
    /** Options of wrappers that take a value (the value is not the command). */
    private static final Set<String> VALUE_OPTIONS = Set.of("-u", "-g", "-n", "-s", "-k", "-I", "-d", "-P", "-L",
            "-E", "-a", "-C", "-p", "-t", "-o", "-e", "-i", "-S", "-D", "-w", "-x", "--signal", "--kill-after", "--user",
            "--group", "--chdir", "-U", "--unset");

    private GateCommands() {
    }

    /** The tool to use instead of {@code name}. */
    static String toolFor(String name) {
        return TOOL.getOrDefault(name, "the matching tool");
    }

    /** The refusal message for {@code name}. */
    static String refusal(String name) {
        return "command refused: run_shell does not run " + name + " (directly, by path or through a wrapper such as "
                + "bash -c, env or xargs). Use the " + toolFor(name) + " tool: it applies the "
                + (toolFor(name).equals("run_terraform") ? "plan review and approval"
                : "host allowlist and pinned host keys") + " and holds the credentials " + name + " needs";
    }

    /** The first gate program found in a command position of {@code command}, if any. */
    static Optional<String> find(String command) {
        return scan(command, 0);
    }

    private static Optional<String> scan(String command, int depth) {
        if (depth > 8) {
            return Optional.empty();
        }
        for (String inner : substitutions(command)) {
            Optional<String> found = scan(inner, depth + 1);
            if (found.isPresent()) {
                return found;
            }
        }
        for (List<String> simple : simpleCommands(command)) {
            Optional<String> found = scanSimple(simple, depth);
            if (found.isPresent()) {
                return found;
            }
        }
        return Optional.empty();
    }

    private static Optional<String> scanSimple(List<String> words, int depth) {
        int i = 0;
        boolean wrapped = false;
        while (i < words.size()) {
            String word = words.get(i);
            String base = basename(word);
            if (isRedirection(word)) {
                i += 2;
                continue;
            }
            if (word.isEmpty() || isAssignment(word)
                    || (wrapped && (word.startsWith("-") || word.matches("[0-9.]+[smhd]?")))) {
                if (wrapped && VALUE_OPTIONS.contains(word) && i + 1 < words.size()) {
                    if (NAMES.contains(basename(words.get(i + 1)))) {
                        return Optional.of(basename(words.get(i + 1))); // env -i terraform: a flag, not a value
                    }
                    i++;
                }
                i++;
                continue;
            }
            if (NAMES.contains(base)) {
                return Optional.of(base);
            }
            if (SHELLS.contains(base) || base.equals("eval") || base.equals("source") || base.equals(".")) {
                for (int j = i + 1; j < words.size(); j++) {
                    if (words.get(j).equals("-c") && j + 1 < words.size()) {
                        Optional<String> found = scan(words.get(j + 1), depth + 1);
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
                if (base.equals("eval")) {
                    return scan(String.join(" ", words.subList(i + 1, words.size())), depth + 1);
                }
            }
            if (base.equals("find")) {
                for (int j = i + 1; j + 1 < words.size(); j++) {
                    if (Set.of("-exec", "-execdir", "-ok", "-okdir").contains(words.get(j))) {
                        Optional<String> found = scanSimple(words.subList(j + 1, words.size()), depth + 1);
                        if (found.isPresent()) {
                            return found;
                        }
                    }
                }
            }
            if (WRAPPERS.contains(base)) {
                wrapped = true;
                i++;
                continue;
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The contents of {@code $(...)} and backtick substitutions (also inside double quotes). */
    private static List<String> substitutions(String command) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < command.length(); i++) {
            char c = command.charAt(i);
            if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                i = end < 0 ? command.length() : end;
            } else if (c == '$' && i + 1 < command.length() && command.charAt(i + 1) == '(') {
                int depth = 1;
                int j = i + 2;
                while (j < command.length() && depth > 0) {
                    char d = command.charAt(j);
                    depth += d == '(' ? 1 : d == ')' ? -1 : 0;
                    j++;
                }
                out.add(command.substring(i + 2, Math.max(i + 2, j - 1)));
            } else if (c == '`') {
                int end = command.indexOf('`', i + 1);
                out.add(command.substring(i + 1, end < 0 ? command.length() : end));
                i = end < 0 ? command.length() : end;
            } else if (c == '<' && i + 1 < command.length() && command.charAt(i + 1) == '(') {
                int end = command.indexOf(')', i);
                out.add(command.substring(i + 2, end < 0 ? command.length() : end));
            }
        }
        return out;
    }

    /**
     * Splits a bash command line into simple commands of dequoted words: at newlines, {@code ; & | && || ( ) { }},
     * skipping here-document bodies and comments.
     */
    static List<List<String>> simpleCommands(String command) {
        List<List<String>> out = new ArrayList<>();
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        String heredoc = null;
        int i = 0;
        while (i < command.length()) {
            char c = command.charAt(i);
            if (heredoc != null && c == '\n') {
                int lineEnd = command.indexOf('\n', i + 1);
                String line = command.substring(i + 1, lineEnd < 0 ? command.length() : lineEnd);
                i = lineEnd < 0 ? command.length() : lineEnd;
                if (line.strip().equals(heredoc)) {
                    heredoc = null;
                }
                continue;
            }
            if (c == '\\' && i + 1 < command.length()) {
                if (command.charAt(i + 1) != '\n') {
                    word = (word == null ? new StringBuilder() : word).append(command.charAt(i + 1));
                }
                i += 2;
            } else if (c == '\'') {
                int end = command.indexOf('\'', i + 1);
                end = end < 0 ? command.length() : end;
                word = (word == null ? new StringBuilder() : word).append(command, i + 1, end);
                i = end + 1;
            } else if (c == '"') {
                int j = i + 1;
                StringBuilder quoted = new StringBuilder();
                while (j < command.length() && command.charAt(j) != '"') {
                    if (command.charAt(j) == '\\' && j + 1 < command.length()) {
                        j++;
                    }
                    quoted.append(command.charAt(j));
                    j++;
                }
                word = (word == null ? new StringBuilder() : word).append(quoted);
                i = j + 1;
            } else if (c == '#' && word == null) {
                int end = command.indexOf('\n', i);
                i = end < 0 ? command.length() : end;
            } else if (c == '<' && command.startsWith("<<", i) && !command.startsWith("<<<", i)) {
                int j = i + 2;
                if (j < command.length() && command.charAt(j) == '-') {
                    j++;
                }
                while (j < command.length() && command.charAt(j) == ' ') {
                    j++;
                }
                int k = j;
                while (k < command.length() && " \t\n;&|<>".indexOf(command.charAt(k)) < 0) {
                    k++;
                }
                heredoc = command.substring(j, k).replace("'", "").replace("\"", "");
                i = k;
            } else if (" \t".indexOf(c) >= 0 || "\n;&|(){}".indexOf(c) >= 0 || c == '<' || c == '>') {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
                if ("\n;&|(){}".indexOf(c) >= 0) {
                    if (!words.isEmpty()) {
                        out.add(words);
                    }
                    words = new ArrayList<>();
                } else if (c == '<' || c == '>') {
                    words.add(">"); // a redirection: the next word is its target, not the command
                }
                i++;
            } else {
                word = (word == null ? new StringBuilder() : word).append(c);
                i++;
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        if (!words.isEmpty()) {
            out.add(words);
        }
        return out;
    }

    private static boolean isAssignment(String word) {
        return word.matches("[A-Za-z_][A-Za-z0-9_]*\\+?=.*");
    }

    private static boolean isRedirection(String word) {
        return word.equals(">");
    }

    private static String basename(String word) {
        String w = word.endsWith("/") ? word.substring(0, word.length() - 1) : word;
        return w.substring(w.lastIndexOf('/') + 1);
    }
}
