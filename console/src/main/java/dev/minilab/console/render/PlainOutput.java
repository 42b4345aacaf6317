package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;


import java.io.PrintStream;
import java.util.List;

/**
 * Output for pipes and scripts: no colours, no status bar, {@code [Sender]: content} per message, flushed after
 * every message. Console output lines never start with {@code [} so a script can tell them from messages;
 * errors start with {@code error: }.
 */
public final class PlainOutput implements ConsoleOutput {

    private final PrintStream out;

    public PlainOutput(PrintStream out) {
        this.out = out;
    }

    @Override
    public synchronized void message(Message message) {
        out.println(MessageFormatter.plain(message));
        out.flush();
    }

    @Override
    public synchronized void think(String sender, String text) {
        out.println(MessageFormatter.plainThink(sender, text));
        out.flush();
    }

    @Override
    public synchronized void info(List<String> lines) {
        for (String line : lines) {
            out.println(line.startsWith("[") ? " " + line : line);
        }
        out.flush();
    }

    @Override
    public synchronized void error(String line) {
        out.println("error: " + line);
        out.flush();
    }
}
