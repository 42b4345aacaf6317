package dev.minilab.console.log;

import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;

/** Formats tool entries for {@code /log}: one summary line and one result line per call. */
public final class ToolEntryFormat {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");
    private static final int ARGS_MAX = 100;
    private static final int RESULT_MAX = 160;

    private ToolEntryFormat() {
    }

    /** The {@code /log} answer for {@code read} of {@code role}, asked for {@code n} entries. */
    public static List<String> format(String role, ExecutionLogReader.Read read, int n, ZoneId zone) {
        List<String> out = new ArrayList<>();
        if (read.source() == null) {
            out.add(role + " has no execution log yet (docs/execution_log_" + role + ".jsonl or .md); it is written on the agent's first tool call.");
            return out;
        }
        if (read.entries().isEmpty()) {
            out.add(role + ": no tool calls in " + read.source());
            return out;
        }
        out.add(role + " — last " + read.entries().size() + " tool call(s) of " + read.source()
                + (read.entries().size() < n ? " (all there are)" : ""));
        for (ToolEntry e : read.entries()) {
            String time = e.ts() == null ? "--:--:--" : TIME.format(e.ts().atZone(zone));
            StringBuilder line = new StringBuilder("  ").append(time);
            line.append(e.turn() > 0 ? String.format(" turn %-3d", e.turn()) : "         ");
            line.append(String.format(" %-14s %-5s", e.tool(), e.status().isEmpty() ? "?" : e.status()));
            if (e.exitCode() != null) {
                line.append(" exit ").append(e.exitCode());
            }
            if (e.durationMs() != null) {
                line.append(' ').append(duration(e.durationMs()));
            }
            if (!e.args().isEmpty()) {
                line.append("  ").append(cut(e.args().replace('\n', ' '), ARGS_MAX));
            }
            out.add(line.toString());
            if (!e.result().isEmpty()) {
                out.add("      -> " + cut(e.result().strip().replace('\n', ' '), RESULT_MAX));
            }
        }
        if (read.skipped() > 0) {
            out.add("  (" + read.skipped() + " unreadable line(s) skipped)");
        }
        return out;
    }

    private static String duration(long ms) {
        return ms < 1000 ? ms + " ms" : String.format("%.1f s", ms / 1000.0);
    }

    private static String cut(String text, int max) {
        return text.length() <= max ? text : text.substring(0, max - 3) + "...";
    }
}
