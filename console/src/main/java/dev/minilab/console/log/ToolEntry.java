package dev.minilab.console.log;

import java.time.Instant;
import java.util.Objects;

/**
 * One tool call from an agent's execution log.
 *
 * @param ts         when the call finished (or started, as the writer records it); null if the log has none
 * @param role       the agent
 * @param turn       turn number, 0 when unknown
 * @param tool       tool name
 * @param args       the arguments as written in the log (JSON text), empty when none
 * @param status     {@code OK} or {@code ERROR} (as written)
 * @param exitCode   process exit code, null when the tool has none
 * @param durationMs duration in milliseconds, null when unknown
 * @param result     result excerpt, empty when none
 */
public record ToolEntry(Instant ts, String role, int turn, String tool, String args, String status,
                        Integer exitCode, Long durationMs, String result) {

    public ToolEntry {
        Objects.requireNonNull(role, "role");
        Objects.requireNonNull(tool, "tool");
        args = args == null ? "" : args;
        status = status == null ? "" : status;
        result = result == null ? "" : result;
    }
}
