package dev.minilab.runtime.bus;

import dev.minilab.runtime.MiniLabException;

/** The broker could not be reached or refused a command; the message says where and what to check. */
public final class BusException extends MiniLabException {

    private BusException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Creates the error for a broker that cannot be reached at {@code where}. */
    public static BusException unreachable(String where, Throwable cause) {
        String reason = cause == null ? "no answer" : rootMessage(cause);
        return new BusException("cannot reach Redis at " + where + ": " + reason
                + " — start Redis or set REDIS_HOST/REDIS_PORT (or REDIS_URL) and REDIS_PASSWORD in .env", cause);
    }

    /** Creates the error for a server without this build's function library (the message says what to run). */
    static BusException functionsMissing(String message, Throwable cause) {
        return new BusException(message, cause);
    }

    /** Creates the error for a failed command. */
    public static BusException commandFailed(String command, Throwable cause) {
        return new BusException("Redis command " + command + " failed: " + rootMessage(cause), cause);
    }

    private static String rootMessage(Throwable error) {
        Throwable root = error;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    }
}
