package dev.minilab.runtime.log;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.minilab.runtime.tools.ToolResult;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An agent's execution log: {@code docs/execution_log_<Role>.md} for people and
 * {@code docs/execution_log_<Role>.jsonl} with the same events for tools.
 *
 * <p>One section per turn (the triggering message, then each tool call with arguments, status, exit code, duration
 * and a result excerpt, then the outcome). Every text passes through the redactor before it is written. A log that
 * cannot be written is reported once as a WARN and never stops the agent.
 */
public final class ExecutionLog {

    /** Result text kept per entry (head and tail), in both files. */
    public static final int EXCERPT_CHARS = 4000;

    private static final Logger LOG = LoggerFactory.getLogger(ExecutionLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String role;
    private final Path markdown;
    private final Path jsonLines;
    private final UnaryOperator<String> redactor;
    private final Clock clock;
    private int turn;
    private boolean warned;
    private FileChannel markdownOut;
    private FileChannel jsonLinesOut;

    public ExecutionLog(String role, Path docsDir, UnaryOperator<String> redactor, Clock clock) {
        this.role = role;
        this.markdown = docsDir.resolve("execution_log_" + role + ".md");
        this.jsonLines = docsDir.resolve("execution_log_" + role + ".jsonl");
        this.redactor = redactor;
        this.clock = clock;
    }

    public ExecutionLog(String role, Path docsDir, UnaryOperator<String> redactor) {
        this(role, docsDir, redactor, Clock.systemUTC());
    }

    /** The Markdown file (named in escalation messages). */
    public Path markdownPath() {
        return markdown;
    }

    public Path jsonLinesPath() {
        return jsonLines;
    }

    /** Opens a new turn section for a message from {@code sender}; returns the turn number. */
    public synchronized int startTurn(String sender, String content) {
        turn++;
        Instant now = clock.instant();
        String text = excerpt(redactor.apply(content));
        StringBuilder md = new StringBuilder();
        md.append("\n## Turn ").append(turn).append(" — ").append(now).append(" — from ").append(sender).append("\n\n");
        for (String line : text.split("\n", -1)) {
            md.append("> ").append(line).append('\n');
        }
        md.append('\n');
        ObjectNode json = event(now, "turn");
        json.put("from", sender);
        json.put("content", text);
        write(md.toString(), json);
        return turn;
    }

    /** Records one tool call. */
    public synchronized void toolCall(String tool, String argumentsJson, ToolResult result) {
        Instant now = clock.instant();
        // One line, so the Markdown entry stays readable; JSON needs no raw newlines between tokens.
        String args = redactor.apply(argumentsJson == null ? "{}" : argumentsJson).replaceAll("\\s*\\R\\s*", " ");
        String output = excerpt(redactor.apply(result.output()));
        StringBuilder md = new StringBuilder();
        md.append("### ").append(tool).append(" — ").append(now).append('\n');
        md.append("- args: `").append(args.replace("`", "'")).append("`\n");
        md.append("- status: ").append(result.status());
        result.processExitCode().ifPresent(code -> md.append(" (exit code ").append(code).append(')'));
        md.append(", ").append(result.duration().toMillis()).append(" ms\n\n");
        md.append("```text\n").append(output.replace("```", "'''")).append("\n```\n\n");
        ObjectNode json = event(now, "tool");
        json.put("tool", tool);
        json.put("args", args);
        json.put("status", result.status().name());
        if (result.processExitCode().isPresent()) {
            json.put("exit_code", result.exitCode());
        } else {
            json.putNull("exit_code");
        }
        json.put("duration_ms", result.duration().toMillis());
        json.put("result", output);
        write(md.toString(), json);
    }

    /** Records how the turn ended (answered, finished, escalated, stopped, step cap). */
    public synchronized void outcome(String kind, String detail) {
        Instant now = clock.instant();
        String text = excerpt(redactor.apply(detail == null ? "" : detail));
        String md = "**Outcome: " + kind + "** — " + now + "\n\n" + text + "\n\n";
        ObjectNode json = event(now, "outcome");
        json.put("outcome", kind);
        json.put("detail", text);
        write(md, json);
    }

    /**
     * Records one line that is neither a tool call nor an outcome (e.g. a provisioning run's state transition):
     * {@code type} names it ({@code provision}); the console's log reader skips these events.
     */
    public synchronized void note(String type, String text) {
        Instant now = clock.instant();
        String line = excerpt(redactor.apply(text == null ? "" : text));
        ObjectNode json = event(now, type);
        json.put("text", line);
        write("- " + now + " *" + type + "*: " + line.replace("\n", " ") + "\n", json);
    }

    private ObjectNode event(Instant now, String type) {
        ObjectNode json = JSON.createObjectNode();
        json.put("ts", now.toString());
        json.put("role", role);
        json.put("turn", turn);
        json.put("type", type);
        return json;
    }

    /**
     * Appends one event to both files. The files stay open between events (issue 12: opening, creating and closing
     * two files was part of every ReAct step), and each event is one write straight to the file, never held in a
     * buffer of this process: a line written is on disk as far as the OS goes, at exit or on a kill alike. A file
     * deleted while the agent runs (checked with one stat per event) is created again, as it was before.
     */
    private void write(String md, ObjectNode json) {
        try {
            if (markdownOut == null || !Files.exists(markdown)) {
                markdownOut = reopen(markdownOut, markdown, "# Execution log of " + role + "\n");
            }
            if (jsonLinesOut == null || !Files.exists(jsonLines)) {
                jsonLinesOut = reopen(jsonLinesOut, jsonLines, null);
            }
            writeFully(markdownOut, md);
            writeFully(jsonLinesOut, json.toString() + "\n");
        } catch (IOException e) {
            closeQuietly(markdownOut);
            closeQuietly(jsonLinesOut);
            markdownOut = null; // opened again for the next event: the folder may be writable by then
            jsonLinesOut = null;
            if (!warned) {
                warned = true;
                LOG.warn("Cannot write the execution log {}: {} — check that the docs/ folder is writable",
                        markdown, e.toString());
            }
        }
    }

    /** Opens {@code file} for appending (creating it and its folder), with {@code header} when it is new. */
    private static FileChannel reopen(FileChannel previous, Path file, String header) throws IOException {
        closeQuietly(previous);
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.APPEND);
        if (header != null && channel.size() == 0) {
            writeFully(channel, header);
        }
        return channel;
    }

    private static void writeFully(FileChannel channel, String text) throws IOException {
        ByteBuffer bytes = ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
        while (bytes.hasRemaining()) {
            channel.write(bytes);
        }
    }

    private static void closeQuietly(FileChannel channel) {
        if (channel == null) {
            return;
        }
        try {
            channel.close();
        } catch (IOException e) {
            // nothing was buffered here: every event was written in full before
        }
    }

    /** Closes the files (every event is already written; later events open them again). */
    public synchronized void close() {
        closeQuietly(markdownOut);
        closeQuietly(jsonLinesOut);
        markdownOut = null;
        jsonLinesOut = null;
    }

    /** Keeps the head and the tail of long text and says how much was cut. */
    public static String excerpt(String text) {
        return Excerpts.headAndTail(text, EXCERPT_CHARS);
    }
}
