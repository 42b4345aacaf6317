package dev.minilab.console.session;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;


import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * The plain-text log of one console session: every channel message as {@code <ISO time> [Sender]: content} and the
 * console's own notes as {@code <ISO time> (console) text}. One file per session under
 * {@code <workspace>/console/logs/}; flushed after every entry so a crash loses nothing.
 */
public final class ConversationLog implements AutoCloseable {

    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);

    private final Path path;
    private final BufferedWriter writer;
    private final Clock clock;

    private ConversationLog(Path path, BufferedWriter writer, Clock clock) {
        this.path = path;
        this.writer = writer;
        this.clock = clock;
    }

    /** Creates {@code <workspace>/console/logs/console-<utc time>-<pid>.log}. */
    public static ConversationLog open(Path workspace, Clock clock) {
        Path dir = workspace.resolve("console").resolve("logs");
        Path file = dir.resolve("console-" + FILE_TIME.format(clock.instant()) + "-" + ProcessHandle.current().pid() + ".log");
        try {
            Files.createDirectories(dir);
            BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.CREATE,
                    StandardOpenOption.APPEND);
            return new ConversationLog(file, w, clock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the conversation log " + file + ": " + e.getMessage()
                    + " — make the workspace writable or set MINILAB_WORKSPACE", e);
        }
    }

    public Path path() {
        return path;
    }

    /** Appends a channel message. */
    public synchronized void message(Message m) {
        String kind = m.kind() == MessageKind.CHAT ? "" : " (" + m.kind().name().toLowerCase(java.util.Locale.ROOT) + ")";
        write(m.timestamp() + " [" + m.sender() + "]" + kind + ": " + m.content());
    }

    /** Appends a console note (what the console did or found). */
    public synchronized void note(String text) {
        write(clock.instant() + " (console) " + text);
    }

    private void write(String line) {
        try {
            writer.write(line);
            writer.newLine();
            writer.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the conversation log " + path + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            writer.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close the conversation log " + path, e);
        }
    }
}
