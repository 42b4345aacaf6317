package dev.minilab.runtime.tools.terraform;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reads terraform plan's summary line: {@code Plan: 1 to add, 0 to change, 0 to destroy.} or "No changes.". */
final class PlanChanges {

    private static final Pattern SUMMARY = Pattern.compile(
            "Plan: (\\d+) to add, (?:(\\d+) to import, )?(\\d+) to change, (\\d+) to destroy");

    /** add, change, destroy; all zero for "No changes." or when no summary line is found. */
    record Counts(int add, int change, int destroy) { }

    private PlanChanges() {
    }

    static Counts parse(String planOutput) {
        Matcher m = SUMMARY.matcher(planOutput == null ? "" : planOutput);
        Counts last = new Counts(0, 0, 0);
        while (m.find()) {
            last = new Counts(Integer.parseInt(m.group(1)), Integer.parseInt(m.group(3)), Integer.parseInt(m.group(4)));
        }
        return last;
    }
}
