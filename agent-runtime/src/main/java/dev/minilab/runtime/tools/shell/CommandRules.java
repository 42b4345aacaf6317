package dev.minilab.runtime.tools.shell;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * The commands the restricted shells allow and, per command, a check of its arguments: {@code null} when fine, else
 * the problem (an option that writes, deletes, executes, follows forever or floods).
 */
final class CommandRules {

    private CommandRules() {
    }

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
        if (sub.equals("providers") && args.size() > 1
                && !args.subList(1, args.size()).equals(List.of("schema", "-json"))) {
            return "terraform providers lock/mirror write files; only 'terraform providers' and 'providers schema -json'";
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

    static final Map<String, Function<List<String>, String>> AUDIT_COMMANDS = Map.ofEntries(
            Map.entry("ls", ANY_ARGS), Map.entry("cat", ANY_ARGS), Map.entry("grep", ANY_ARGS),
            Map.entry("egrep", ANY_ARGS), Map.entry("fgrep", ANY_ARGS), Map.entry("find", CommandRules::findRule),
            Map.entry("stat", ANY_ARGS), Map.entry("head", ANY_ARGS), Map.entry("tail", CommandRules::tailRule),
            Map.entry("wc", ANY_ARGS), Map.entry("sort", CommandRules::sortRule), Map.entry("uniq", CommandRules::uniqRule),
            Map.entry("cut", ANY_ARGS), Map.entry("tr", ANY_ARGS), Map.entry("nl", ANY_ARGS),
            Map.entry("diff", denyFlags("--output")), Map.entry("cmp", ANY_ARGS), Map.entry("comm", ANY_ARGS),
            Map.entry("jq", ANY_ARGS), Map.entry("file", denyFlags("-C", "--compile")),
            Map.entry("du", ANY_ARGS), Map.entry("df", ANY_ARGS), Map.entry("pwd", ANY_ARGS),
            Map.entry("whoami", ANY_ARGS), Map.entry("id", ANY_ARGS), Map.entry("uname", ANY_ARGS),
            Map.entry("date", CommandRules::dateRule),
            Map.entry("hostname", args -> noPositional(args, Set.of("-I", "-i", "-f", "-s", "-d", "-A"))),
            Map.entry("echo", ANY_ARGS), Map.entry("realpath", ANY_ARGS), Map.entry("readlink", ANY_ARGS),
            Map.entry("basename", ANY_ARGS), Map.entry("dirname", ANY_ARGS), Map.entry("md5sum", ANY_ARGS),
            Map.entry("sha256sum", ANY_ARGS), Map.entry("sha1sum", ANY_ARGS), Map.entry("ps", ANY_ARGS),
            Map.entry("terraform", CommandRules::terraformRule),
            Map.entry("ansible-lint", denyFlags("--fix", "--write", "-w", "--generate-ignore")),
            Map.entry("ansible-inventory", denyFlags("--output")),
            Map.entry("ansible-playbook", CommandRules::ansiblePlaybookRule));

    static final Map<String, Function<List<String>, String>> NETWORK_COMMANDS = Map.of(
            "curl", CommandRules::curlRule, "ping", CommandRules::pingRule, "dig", ANY_ARGS, "host", ANY_ARGS,
            "nslookup", ANY_ARGS, "ss", denyFlags("-K", "--kill"), "netstat", ANY_ARGS, "nc", CommandRules::ncRule);
}
