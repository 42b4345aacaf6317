package dev.minilab.runtime.faults;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * A loopback TCP proxy in front of a redis-server, for cutting one client connection at an exact moment: right after
 * Redis has run a given command and before its reply reaches the client. A client that auto-reconnects (Lettuce)
 * then sends that command again, which is the window {@code ControlResendIT} needs; a {@code CLIENT KILL} from the
 * test alone cannot land there.
 */
final class CuttingProxy implements AutoCloseable {

    /** One armed cut: which client bytes trigger it, when Redis has run them, and how to kill the connection. */
    private record Cut(String text, BooleanSupplier executed, Consumer<String> kill) {
    }

    private final ServerSocket server;
    private final InetSocketAddress target;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private final AtomicReference<Cut> armed = new AtomicReference<>();
    private final AtomicInteger cuts = new AtomicInteger();
    private final Thread acceptor;

    private CuttingProxy(ServerSocket server, InetSocketAddress target) {
        this.server = server;
        this.target = target;
        this.acceptor = Thread.ofVirtual().name("cutting-proxy").start(this::accept);
    }

    /** Starts a proxy on a free loopback port that forwards to {@code host:port}. */
    static CuttingProxy start(String host, int port) {
        try {
            ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            return new CuttingProxy(server, new InetSocketAddress(host, port));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /**
     * Arms one cut: the next bytes a client sends that contain {@code text} are forwarded to Redis, every reply on that
     * connection is dropped from then on, and once {@code executed} holds (Redis has run the command) {@code kill} is
     * called with the proxy's own address on that connection as Redis sees it ({@code CLIENT KILL ADDR <it>}).
     */
    void cutOnceAfter(String text, BooleanSupplier executed, Consumer<String> kill) {
        armed.set(new Cut(text, executed, kill));
    }

    /** How many cuts have happened. */
    int cuts() {
        return cuts.get();
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                upstream.connect(target, 5_000);
                sockets.add(client);
                sockets.add(upstream);
                boolean[] muted = {false};
                Thread.ofVirtual().start(() -> pump(client, upstream, muted, true));
                Thread.ofVirtual().start(() -> pump(upstream, client, muted, false));
            } catch (IOException e) {
                if (!server.isClosed()) {
                    System.out.println("[CuttingProxy] accept failed: " + e);
                }
            }
        }
    }

    private void pump(Socket from, Socket to, boolean[] muted, boolean toRedis) {
        byte[] buffer = new byte[65_536];
        String tail = "";
        try (from; to) {
            InputStream in = from.getInputStream();
            OutputStream out = to.getOutputStream();
            for (int n; (n = in.read(buffer)) >= 0; ) {
                String chunk = new String(buffer, 0, n, StandardCharsets.ISO_8859_1);
                Cut cut = toRedis ? armed.get() : null;
                if (cut != null && (tail + chunk).contains(cut.text()) && armed.compareAndSet(cut, null)) {
                    synchronized (muted) {
                        muted[0] = true; // from now on Redis' replies on this connection never reach the client
                    }
                    out.write(buffer, 0, n);
                    out.flush();
                    awaitExecuted(cut.executed());
                    InetSocketAddress local = (InetSocketAddress) to.getLocalSocketAddress();
                    cut.kill().accept(local.getAddress().getHostAddress() + ":" + local.getPort());
                    cuts.incrementAndGet();
                    continue;
                }
                tail = chunk.length() > 256 ? chunk.substring(chunk.length() - 256) : chunk;
                synchronized (muted) {
                    if (!toRedis && muted[0]) {
                        continue;
                    }
                }
                out.write(buffer, 0, n);
                out.flush();
            }
        } catch (IOException e) {
            // one side went away: closing both (try-with-resources) passes it on to the other
        }
    }

    private static void awaitExecuted(BooleanSupplier executed) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (!executed.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("Redis did not run the command within 30 s");
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            // closing anyway
        }
        for (Socket socket : sockets) {
            try {
                socket.close();
            } catch (IOException e) {
                // closing anyway
            }
        }
        acceptor.interrupt();
    }
}
