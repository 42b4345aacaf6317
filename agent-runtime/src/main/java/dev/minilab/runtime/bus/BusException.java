package dev.minilab.runtime.bus;

import dev.minilab.runtime.MiniLabException;

/** The broker could not be reached or refused a command; the message says where and what to check. */
public final class BusException extends MiniLabException {

    private BusException(String message, Throwable cause) {
        super(message, cause);
    }

    /**
     * Creates the error for a broker that cannot be reached at {@code where}; a failed TLS handshake says which of
     * the {@code tls} settings to check.
     */
    public static BusException unreachable(String where, RedisTls tls, Throwable cause) {
        if (cause != null && tlsFailure(cause)) {
            String check = tls.caFile() == null
                    ? "REDIS_TLS_CA_FILE is set to the PEM of the CA that signed the broker's certificate (unset, only "
                    + "the JVM's default trust store is used)"
                    : "REDIS_TLS_CA_FILE (" + tls.caFile() + ") holds the CA that signed the broker's certificate";
            return new BusException("TLS handshake with Redis at " + where + " failed: " + rootMessage(cause)
                    + " — check that " + check + ", that the certificate names the host of REDIS_URL (subjectAltName"
                    + " DNS or IP), and, if the broker demands client certificates (tls-auth-clients), that "
                    + "REDIS_TLS_CERT_FILE/REDIS_TLS_KEY_FILE are set and signed by a CA the broker trusts"
                    + (tls.mutual() ? " (now: " + tls.certFile() + ")" : " (now: not set)"), cause);
        }
        return unreachable(where, cause);
    }

    private static boolean tlsFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof javax.net.ssl.SSLException || t instanceof java.security.cert.CertificateException
                    || t.getClass().getName().startsWith("io.netty.handler.ssl.")) {
                return true;
            }
        }
        return false;
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
