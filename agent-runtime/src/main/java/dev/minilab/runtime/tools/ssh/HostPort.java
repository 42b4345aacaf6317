package dev.minilab.runtime.tools.ssh;

import dev.minilab.runtime.tools.ToolArgumentException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A host with an optional port as the model writes it: {@code web1}, {@code 10.0.0.5:2222}, {@code [::1]:2222},
 * {@code ::1}. Anything with a user part, spaces, a scheme or option-like text is rejected.
 */
public record HostPort(String host, int port) {

    public static final int DEFAULT_PORT = 22;

    private static final Pattern BRACKETED = Pattern.compile("\\[([0-9A-Fa-f:.]+)](?::(\\d{1,5}))?");
    private static final Pattern NAME_OR_V4 = Pattern.compile("([A-Za-z0-9][A-Za-z0-9.\\-]*)(?::(\\d{1,5}))?");
    private static final Pattern BARE_V6 = Pattern.compile("[0-9A-Fa-f:]*:[0-9A-Fa-f:.]*");

    public HostPort {
        if (port < 1 || port > 65535) {
            throw new ToolArgumentException("port " + port + " is out of range 1-65535");
        }
    }

    /** Parses {@code text}; throws {@link ToolArgumentException} with the accepted forms. */
    public static HostPort parse(String text) {
        String t = text == null ? "" : text.strip();
        Matcher m = BRACKETED.matcher(t);
        if (m.matches()) {
            return new HostPort(m.group(1), port(m.group(2)));
        }
        m = NAME_OR_V4.matcher(t);
        if (m.matches()) {
            return new HostPort(m.group(1), port(m.group(2)));
        }
        if (BARE_V6.matcher(t).matches() && t.chars().filter(c -> c == ':').count() >= 2) {
            return new HostPort(t, DEFAULT_PORT);
        }
        throw new ToolArgumentException("host '" + t + "' is not a host: give a hostname or IP, optionally with a "
                + "port: web1, 10.0.0.5, 10.0.0.5:2222, [::1]:2222 (no user@, no scheme)");
    }

    private static int port(String digits) {
        return digits == null ? DEFAULT_PORT : Integer.parseInt(digits);
    }

    /** How known_hosts names this host ({@code host} on port 22, else {@code [host]:port}). */
    public String knownHostsName() {
        return port == DEFAULT_PORT ? host : "[" + host + "]:" + port;
    }

    @Override
    public String toString() {
        return host.contains(":") ? "[" + host + "]:" + port : host + ":" + port;
    }
}
