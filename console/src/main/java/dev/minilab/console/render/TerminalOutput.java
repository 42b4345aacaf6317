package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;

import dev.minilab.console.status.StatusBoard;
import dev.minilab.console.status.StatusView;
import org.jline.terminal.Terminal;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStringBuilder;
import org.jline.utils.Status;

import java.util.List;

/**
 * Output for a terminal: styled, wrapped messages printed above the line being edited, and a status bar on the
 * terminal's last line (when the terminal supports it).
 */
public final class TerminalOutput implements ConsoleOutput {

    private final ConsoleLineReader reader;
    private final Terminal terminal;
    private final MessageFormatter formatter;
    private final StatusBoard board;
    private final Status status;
    private AttributedString lastBar;

    public TerminalOutput(ConsoleLineReader reader, MessageFormatter formatter, StatusBoard board) {
        this.reader = reader;
        this.terminal = reader.getTerminal();
        this.formatter = formatter;
        this.board = board;
        this.status = Status.getStatus(terminal);
    }

    private int width() {
        int w = terminal.getWidth();
        return w <= 0 ? 80 : w;
    }

    @Override
    public synchronized void message(Message message) {
        print(join(formatter.styled(message, width())));
    }

    @Override
    public synchronized void think(String sender, String text) {
        print(formatter.styledThink(sender, text, width()));
    }

    @Override
    public synchronized void info(List<String> lines) {
        print(formatter.note(String.join("\n", lines)));
    }

    @Override
    public synchronized void error(String line) {
        print(formatter.error("error: " + line));
    }

    @Override
    public synchronized void statusChanged() {
        if (status != null) {
            AttributedString bar = StatusView.bar(board, formatter, width() - 1);
            // Redraw only on change: every redraw races with the line editor's own output.
            if (!bar.equals(lastBar)) {
                lastBar = bar;
                reader.underLock(() -> status.update(List.of(bar)));
            }
        }
    }

    /** Removes the status bar (before the terminal is closed). */
    public synchronized void close() {
        if (status != null) {
            reader.underLock(() -> {
                status.update(List.of());
                status.close();
            });
        }
    }

    private void print(AttributedString text) {
        reader.printAbove(text);
    }

    private static AttributedString join(List<AttributedString> lines) {
        AttributedStringBuilder b = new AttributedStringBuilder();
        for (int i = 0; i < lines.size(); i++) {
            if (i > 0) {
                b.append('\n');
            }
            b.append(lines.get(i));
        }
        return b.toAttributedString();
    }
}
