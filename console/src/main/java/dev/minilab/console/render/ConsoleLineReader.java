package dev.minilab.console.render;

import org.jline.reader.impl.LineReaderImpl;
import org.jline.terminal.Terminal;

import java.util.Map;

/**
 * JLine's line reader with one addition: running terminal output under the reader's own lock, so that output
 * from other threads (the status bar) never interleaves with the reader redrawing the line being typed.
 */
public final class ConsoleLineReader extends LineReaderImpl {

    public ConsoleLineReader(Terminal terminal, String appName, Map<String, Object> variables) {
        super(terminal, appName, variables);
    }

    /** Runs {@code output} while holding the lock the reader holds while it draws. */
    public void underLock(Runnable output) {
        lock.lock();
        try {
            output.run();
        } finally {
            lock.unlock();
        }
    }
}
