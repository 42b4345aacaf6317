package dev.minilab.runtime.loop;

import dev.minilab.runtime.tools.ToolResult;

/** One tool call of a turn, remembered for escalation reports and loop detection. */
public record ToolCallRecord(String tool, String arguments, ToolResult result) {

    /** One line for a report: tool, arguments, status, exit code and the start of the output. */
    public String summaryLine() {
        String output = result.output().strip().replaceAll("\\s+", " ");
        if (output.length() > 160) {
            output = output.substring(0, 160) + "…";
        }
        String args = arguments.length() > 160 ? arguments.substring(0, 160) + "…" : arguments;
        String exit = result.processExitCode().isPresent() ? " (exit " + result.exitCode() + ")" : "";
        return tool + " " + args + " → " + result.status() + exit + ": " + output;
    }
}
