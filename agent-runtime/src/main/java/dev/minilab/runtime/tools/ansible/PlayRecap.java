package dev.minilab.runtime.tools.ansible;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code PLAY RECAP} of an ansible-playbook run: counts per host. {@code failed > 0} or {@code unreachable > 0}
 * makes a run an ERROR whatever the exit code says.
 *
 * @param hosts counts per host, in the order printed
 */
public record PlayRecap(Map<String, Counts> hosts) {

    /** One host's line of the recap. */
    public record Counts(int ok, int changed, int unreachable, int failed, int skipped, int rescued, int ignored) { }

    private static final Pattern LINE = Pattern.compile("(?m)^(\\S+)\\s*:\\s*ok=(\\d+)\\s+changed=(\\d+)\\s+"
            + "unreachable=(\\d+)\\s+failed=(\\d+)(?:\\s+skipped=(\\d+))?(?:\\s+rescued=(\\d+))?(?:\\s+ignored=(\\d+))?");

    public PlayRecap {
        hosts = Map.copyOf(new LinkedHashMap<>(hosts));
    }

    /** Parses the last PLAY RECAP in {@code output}; empty when there is none (e.g. no hosts matched). */
    public static Optional<PlayRecap> parse(String output) {
        int at = output.lastIndexOf("PLAY RECAP");
        if (at < 0) {
            return Optional.empty();
        }
        Map<String, Counts> hosts = new LinkedHashMap<>();
        Matcher m = LINE.matcher(output.substring(at));
        while (m.find()) {
            hosts.put(m.group(1), new Counts(num(m.group(2)), num(m.group(3)), num(m.group(4)), num(m.group(5)),
                    num(m.group(6)), num(m.group(7)), num(m.group(8))));
        }
        return Optional.of(new PlayRecap(hosts));
    }

    private static int num(String digits) {
        return digits == null ? 0 : Integer.parseInt(digits);
    }

    public int failed() {
        return hosts.values().stream().mapToInt(Counts::failed).sum();
    }

    public int unreachable() {
        return hosts.values().stream().mapToInt(Counts::unreachable).sum();
    }

    public int ok() {
        return hosts.values().stream().mapToInt(Counts::ok).sum();
    }

    public int changed() {
        return hosts.values().stream().mapToInt(Counts::changed).sum();
    }

    /** True when any host failed or was unreachable. */
    public boolean hasProblems() {
        return failed() > 0 || unreachable() > 0;
    }

    /** One line for the model: {@code hosts=2 ok=5 changed=1 failed=1 unreachable=0}. */
    public String summary() {
        return "hosts=" + hosts.size() + " ok=" + ok() + " changed=" + changed() + " failed=" + failed()
                + " unreachable=" + unreachable();
    }
}
