package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Finds free TCP ports on the loopback interface.
 *
 * <p>A port is free at the moment it is returned; another process may still take it before the caller binds it, so
 * callers that start servers should retry on "address in use". Within one JVM the same port is never handed out
 * twice, which removes the common race between fixtures started in parallel.
 */
public final class FreePort {

    private static final Set<Integer> HANDED_OUT = ConcurrentHashMap.newKeySet();
    private static final int ATTEMPTS = 50;

    private FreePort() {
    }

    /**
     * Returns a loopback TCP port that nothing listens on now and that this JVM has not handed out before.
     *
     * @throws UncheckedIOException if no port could be bound
     */
    public static int find() {
        IOException last = null;
        for (int i = 0; i < ATTEMPTS; i++) {
            try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
                socket.setReuseAddress(false);
                int port = socket.getLocalPort();
                if (HANDED_OUT.add(port)) {
                    return port;
                }
            } catch (IOException e) {
                last = e;
            }
        }
        throw new UncheckedIOException("Could not find a free loopback port after " + ATTEMPTS
                + " attempts; check the ephemeral port range (net.ipv4.ip_local_port_range)",
                last != null ? last : new IOException("every port offered was already handed out"));
    }

    /**
     * Returns the first of {@code count} consecutive loopback ports that are all free now and not handed out before
     * (for settings such as METRICS_PORT, where process i listens on base + i).
     *
     * @throws UncheckedIOException if no such run was found
     */
    public static int findRun(int count) {
        for (int i = 0; i < ATTEMPTS; i++) {
            int base = find();
            boolean free = base + count - 1 <= 65535;
            for (int p = base + 1; free && p < base + count; p++) {
                free = !HANDED_OUT.contains(p) && bindable(p);
            }
            if (free) {
                for (int p = base + 1; p < base + count; p++) {
                    HANDED_OUT.add(p);
                }
                return base;
            }
        }
        throw new UncheckedIOException(new IOException("no run of " + count + " free loopback ports after "
                + ATTEMPTS + " attempts"));
    }

    private static boolean bindable(int port) {
        try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            socket.setReuseAddress(false);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
