package dev.minilab.runtime.tools.shell;

import dev.minilab.runtime.tools.shell.OptionSpec.Parsed;
import dev.minilab.runtime.tools.shell.OptionSpec.Positionals;
import dev.minilab.runtime.tools.shell.OptionSpec.Refused;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The commands the restricted shells allow, each with the exact options it may get ({@link OptionSpec}): allow-lists,
 * not deny-lists. Nothing here writes a file, runs a program or a script, or follows forever. terraform and ansible
 * are not here: Security_Sentinel reviews plans through run_terraform's plan output and the approval gate.
 */
final class CommandRules {

    private CommandRules() {
    }

    /** What a checked command becomes: its arguments (possibly rewritten) and the words that are paths to read. */
    record Checked(List<String> args, List<String> paths) { }

    /** Checks one command's arguments; throws {@link Refused} with the message for the model. */
    @FunctionalInterface
    interface Rule {
        Checked check(String command, List<String> args, NetworkProbes probes);
    }

    private static Rule spec(OptionSpec spec) {
        return (command, args, probes) -> new Checked(args, spec.paths(spec.parse(command, args), false));
    }

    /** grep: the first word is the pattern unless -e/--regexp gave it. */
    private static Rule grep() {
        return (command, args, probes) -> {
            Parsed parsed = GREP.parse(command, args);
            return new Checked(args, GREP.paths(parsed, parsed.has("-e", "--regexp")));
        };
    }

    private static final OptionSpec GREP = OptionSpec.of("ivnclLrRwxEFGHhoqsaIPz").valued("eABCm")
            .longs("--ignore-case --invert-match --line-number --count --files-with-matches --files-without-match "
                    + "--recursive --dereference-recursive --word-regexp --line-regexp --extended-regexp "
                    + "--fixed-strings --basic-regexp --perl-regexp --with-filename --no-filename --only-matching "
                    + "--quiet --silent --no-messages --text --null-data")
            .longValued("--regexp --after-context --before-context --context --max-count --include --exclude "
                    + "--exclude-dir")
            .longOptional("--color --colour")
            .positionals(Positionals.FIRST_TEXT_THEN_PATHS).build();

    private static final OptionSpec HEAD_TAIL = OptionSpec.of("qvz").valued("nc")
            .longs("--quiet --silent --verbose --zero-terminated").longValued("--lines --bytes").numericShort()
            .build();

    private static final OptionSpec SUMS = OptionSpec.of("btz").longs("--binary --text --tag --zero").build();

    /** find: paths, then an expression of the primaries below only (no -exec, -delete, -fprint, -files0-from). */
    private static Checked find(String command, List<String> args, NetworkProbes probes) {
        Set<String> noArg = Set.of("-print", "-print0", "-ls", "-empty", "-readable", "-writable", "-executable",
                "-true", "-false", "-not", "-a", "-o", "-and", "-or", "!", "(", ")", "-daystart", "-depth", "-follow",
                "-xdev", "-mount", "-nouser", "-nogroup", "-prune", "-quit", ",");
        Set<String> oneArg = Set.of("-name", "-iname", "-path", "-ipath", "-wholename", "-iwholename", "-regex",
                "-iregex", "-type", "-xtype", "-maxdepth", "-mindepth", "-mtime", "-mmin", "-atime", "-amin",
                "-ctime", "-cmin", "-size", "-user", "-group", "-uid", "-gid", "-perm", "-links", "-inum", "-printf",
                "-regextype", "-used");
        Set<String> pathArg = Set.of("-newer", "-anewer", "-cnewer", "-samefile");
        List<String> paths = new ArrayList<>();
        int i = 0;
        while (i < args.size() && Set.of("-H", "-L", "-P").contains(args.get(i))) {
            i++;
        }
        while (i < args.size() && !args.get(i).startsWith("-") && !args.get(i).equals("(")
                && !args.get(i).equals("!")) {
            paths.add(args.get(i++));
        }
        for (; i < args.size(); i++) {
            String a = args.get(i);
            if (noArg.contains(a)) {
                continue;
            }
            if (oneArg.contains(a) || pathArg.contains(a)) {
                if (i + 1 >= args.size()) {
                    throw new Refused("find: " + a + " needs a value");
                }
                if (pathArg.contains(a)) {
                    paths.add(args.get(i + 1));
                }
                i++;
                continue;
            }
            throw new Refused("find: '" + a + "' is not allowed here (allowed: -name -iname -path -type -maxdepth "
                    + "-mindepth -mtime -mmin -size -newer -perm -user -group -empty -print -print0 -ls -printf "
                    + "-not -a -o and parentheses; never -exec, -delete or -fprint)");
        }
        return new Checked(args, paths);
    }

    /** ps: inside the sandbox it sees only the sandbox's own processes; BSD words without {@code e} (environment). */
    private static Checked ps(String command, List<String> args, NetworkProbes probes) {
        Set<String> bsd = Set.of("aux", "ax", "axu", "auxf", "axf", "auxw", "auxww", "axww", "axw", "x", "ux");
        List<String> dashed = new ArrayList<>();
        for (String a : args) {
            if (bsd.contains(a)) {
                continue;
            }
            dashed.add(a);
        }
        OptionSpec.of("efFAalHwjT").valued("opuUC").longs("--forest --no-headers --headers")
                .longValued("--format --pid --ppid --sort").positionals(Positionals.NONE).build()
                .parse(command, dashed);
        return new Checked(args, List.of());
    }

    static final Map<String, Rule> AUDIT_COMMANDS = Map.ofEntries(
            Map.entry("ls", spec(OptionSpec.of("aAlhR1dtrSFinsLpcugGo")
                    .longs("--all --almost-all --human-readable --recursive --directory --reverse --classify --inode "
                            + "--numeric-uid-gid --size --dereference --full-time")
                    .longValued("--sort --time-style --color").build())),
            Map.entry("cat", spec(OptionSpec.of("nbAETvset").longs("--number --number-nonblank --show-all "
                    + "--show-ends --show-tabs --squeeze-blank --show-nonprinting").build())),
            Map.entry("grep", grep()), Map.entry("egrep", grep()), Map.entry("fgrep", grep()),
            Map.entry("find", CommandRules::find),
            Map.entry("stat", spec(OptionSpec.of("Lft").valued("c").longs("--dereference --file-system --terse")
                    .longValued("--format --printf").build())),
            Map.entry("head", spec(HEAD_TAIL)), Map.entry("tail", spec(HEAD_TAIL)),
            Map.entry("wc", spec(OptionSpec.of("lwcmL").longs("--lines --words --bytes --chars --max-line-length")
                    .build())),
            Map.entry("sort", spec(OptionSpec.of("rnufbdghiMVszcCm").valued("tk")
                    .longs("--reverse --numeric-sort --unique --ignore-case --ignore-leading-blanks "
                            + "--dictionary-order --general-numeric-sort --human-numeric-sort --month-sort "
                            + "--version-sort --stable --zero-terminated --check --merge --ignore-nonprinting")
                    .longValued("--field-separator --key").build())),
            Map.entry("uniq", spec(OptionSpec.of("cdDuiz").valued("fsw")
                    .longs("--count --repeated --unique --ignore-case --zero-terminated")
                    .longValued("--skip-fields --skip-chars --check-chars").max(1).build())),
            Map.entry("cut", spec(OptionSpec.of("sz").valued("dfcb")
                    .longs("--complement --only-delimited --zero-terminated")
                    .longValued("--delimiter --fields --characters --bytes --output-delimiter").build())),
            Map.entry("tr", spec(OptionSpec.of("dscCt").longs("--delete --squeeze-repeats --complement "
                    + "--truncate-set1").positionals(Positionals.TEXT).max(2).build())),
            Map.entry("nl", spec(OptionSpec.of("p").valued("bdfhilnsvw").longValued("--body-numbering "
                    + "--number-format --number-width --number-separator --starting-line-number").build())),
            Map.entry("diff", spec(OptionSpec.of("uqrNiwbBsyctaT").valued("UCx")
                    .longs("--brief --recursive --new-file --ignore-case --ignore-all-space --ignore-space-change "
                            + "--ignore-blank-lines --side-by-side --report-identical-files --normal --text "
                            + "--strip-trailing-cr --expand-tabs --initial-tab")
                    .longValued("--exclude --label").longOptional("--unified --context --color").max(2).build())),
            Map.entry("cmp", spec(OptionSpec.of("lsb").valued("ni").longs("--verbose --silent --quiet --print-bytes")
                    .longValued("--bytes --ignore-initial").max(4).build())),
            Map.entry("comm", spec(OptionSpec.of("123z").longs("--check-order --nocheck-order --zero-terminated "
                    + "--total").longValued("--output-delimiter").max(2).build())),
            Map.entry("jq", spec(OptionSpec.of("rcSesnjaMCR").longs("--raw-output --compact-output --sort-keys "
                    + "--exit-status --slurp --null-input --join-output --ascii-output --monochrome-output "
                    + "--color-output --raw-input --tab --seq").longValued("--indent")
                    .positionals(Positionals.FIRST_TEXT_THEN_PATHS).build())),
            Map.entry("file", spec(OptionSpec.of("bikLhNE").longs("--brief --mime --mime-type --mime-encoding "
                    + "--keep-going --dereference --no-dereference --no-pad --extension --apple").build())),
            Map.entry("du", spec(OptionSpec.of("shackmbxLl0").valued("dB")
                    .longs("--summarize --human-readable --all --total --apparent-size --one-file-system "
                            + "--dereference --count-links --null --bytes --si")
                    .longValued("--max-depth --exclude --threshold --block-size").build())),
            Map.entry("df", spec(OptionSpec.of("hTikPlaH").valued("tx").longs("--human-readable --print-type "
                    + "--inodes --local --portability --all --si --total").longValued("--type --exclude-type")
                    .build())),
            Map.entry("pwd", spec(OptionSpec.of("LP").positionals(Positionals.NONE).build())),
            Map.entry("whoami", spec(OptionSpec.of("").positionals(Positionals.NONE).build())),
            Map.entry("id", spec(OptionSpec.of("ugGnrz").longs("--user --group --groups --name --real --zero")
                    .positionals(Positionals.TEXT).max(1).build())),
            Map.entry("uname", spec(OptionSpec.of("asnrvmpio").longs("--all --kernel-name --nodename "
                    + "--kernel-release --kernel-version --machine --processor --hardware-platform "
                    + "--operating-system").positionals(Positionals.NONE).build())),
            Map.entry("date", spec(OptionSpec.of("uR").valued("d").longs("--utc --universal --rfc-email")
                    .longValued("--date --rfc-3339").longOptional("--iso-8601")
                    .extra("-I(date|hours|minutes|seconds|ns)?").positionals(Positionals.TEXT)
                    .check(p -> p.positionals().stream().allMatch(w -> w.startsWith("+")) ? null
                            : "only 'date' or 'date +FORMAT' (setting the date is not allowed)").build())),
            Map.entry("hostname", spec(OptionSpec.of("IifsdA").longs("--all-ip-addresses --ip-address --fqdn "
                    + "--short --domain --all-fqdns").positionals(Positionals.NONE).build())),
            Map.entry("echo", spec(OptionSpec.of("neE").positionals(Positionals.TEXT).build())),
            Map.entry("realpath", spec(OptionSpec.of("emsqzLP").longs("--canonicalize-existing "
                    + "--canonicalize-missing --no-symlinks --strip --quiet --zero --logical --physical")
                    .longValued("--relative-to --relative-base").pathValued("--relative-to --relative-base")
                    .build())),
            Map.entry("readlink", spec(OptionSpec.of("femnqsvz").longs("--canonicalize --canonicalize-existing "
                    + "--canonicalize-missing --no-newline --quiet --silent --verbose --zero").build())),
            Map.entry("basename", spec(OptionSpec.of("az").valued("s").longs("--multiple --zero")
                    .longValued("--suffix").positionals(Positionals.TEXT).build())),
            Map.entry("dirname", spec(OptionSpec.of("z").longs("--zero").positionals(Positionals.TEXT).build())),
            Map.entry("md5sum", spec(SUMS)), Map.entry("sha256sum", spec(SUMS)), Map.entry("sha1sum", spec(SUMS)),
            Map.entry("ps", CommandRules::ps));

    static final Map<String, Rule> NETWORK_COMMANDS = Map.of(
            "curl", NetworkProbes::curl,
            "ping", NetworkProbes::ping,
            "nc", NetworkProbes::nc,
            "dig", spec(OptionSpec.of("46").valued("tcx").positionals(Positionals.TEXT)
                    .check(p -> p.positionals().stream().anyMatch(w -> w.startsWith("@"))
                            ? "no @server: dig asks the system's resolver"
                            : p.positionals().stream().filter(w -> w.startsWith("+")).allMatch(w -> Set.of("+short",
                            "+noall", "+answer", "+multiline", "+nocmd", "+nocomments", "+nostats", "+noquestion",
                            "+trace").contains(w)) ? null : "only +short +noall +answer +multiline +nocmd "
                            + "+nocomments +nostats +noquestion +trace").build()),
            "host", spec(OptionSpec.of("avdr46").valued("tW").positionals(Positionals.TEXT).max(1).build()),
            "nslookup", spec(OptionSpec.of("").extra("-(type|query|timeout|retry)=[A-Za-z0-9]+")
                    .positionals(Positionals.TEXT).max(1).build()),
            "ss", spec(OptionSpec.of("tulnpas46xwemoiOH").longs("--tcp --udp --listening --numeric --processes "
                    + "--all --summary --ipv4 --ipv6 --unix --raw --extended --memory --options --info --oneline "
                    + "--no-header").positionals(Positionals.TEXT).build()),
            "netstat", spec(OptionSpec.of("tulnparisWeo46").longs("--tcp --udp --listening --numeric --programs "
                    + "--all --route --interfaces --statistics --wide --extend --timers")
                    .positionals(Positionals.NONE).build()));
}
