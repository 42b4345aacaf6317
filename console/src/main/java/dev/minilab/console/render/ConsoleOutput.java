package dev.minilab.console.render;

import dev.minilab.runtime.bus.Message;


import java.util.List;

/** Where the console prints: a pipe (plain) or a terminal (styled, with a status bar). Thread-safe. */
public interface ConsoleOutput {

    /** A channel message. */
    void message(Message message);

    /** A think note (only called in verbose mode). */
    void think(String sender, String text);

    /** The console's own output (command answers, confirmations). */
    void info(List<String> lines);

    /** One line saying what went wrong and what to do. */
    void error(String line);

    /** The team picture changed; terminals redraw their status bar. */
    default void statusChanged() {
    }

    /** Convenience for one info line. */
    default void info(String line) {
        info(List.of(line));
    }
}
