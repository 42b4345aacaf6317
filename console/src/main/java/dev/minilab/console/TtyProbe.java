package dev.minilab.console;

import java.io.Console;
import java.lang.reflect.Method;

/** Tells whether stdin and stdout are both a terminal. */
final class TtyProbe {

    private TtyProbe() {
    }

    /**
     * True when both stdin and stdout are a terminal. On JDK 22+ {@code System.console()} exists even when
     * redirected, so {@code Console.isTerminal()} is asked when it is there.
     */
    static boolean interactive() {
        Console console = System.console();
        if (console == null) {
            return false;
        }
        try {
            Method isTerminal = Console.class.getMethod("isTerminal");
            return (Boolean) isTerminal.invoke(console);
        } catch (NoSuchMethodException e) {
            return true;
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot ask the JDK whether stdin/stdout are a terminal", e);
        }
    }
}
