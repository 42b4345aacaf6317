package dev.minilab.console.bus;

import dev.minilab.runtime.MiniLabException;

/** The console could not reach Redis; the message is the one line the user sees, with what to do. */
public final class BusUnavailableException extends MiniLabException {

    private BusUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    /** Makes the uniform message for {@code endpoint} (host:port) and the low-level {@code cause}. */
    public static BusUnavailableException create(String endpoint, Throwable cause) {
        return new BusUnavailableException("cannot reach Redis at " + endpoint + ": " + reason(cause)
                + " — start Redis or set REDIS_HOST/REDIS_PORT (or REDIS_URL) in .env", cause);
    }

    private static String reason(Throwable cause) {
        Throwable root = cause;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String text = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        String lower = text.toLowerCase(java.util.Locale.ROOT);
        if (lower.contains("connection refused")) {
            return "connection refused";
        }
        if (lower.contains("noauth") || lower.contains("wrongpass") || lower.contains("invalid password")) {
            return "authentication failed (check REDIS_PASSWORD)";
        }
        return text.lines().findFirst().orElse(text);
    }
}
