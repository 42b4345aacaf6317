package dev.minilab.runtime.tools.web;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A TCP listener on 127.0.0.1 that counts every connection and byte it receives: the target an SSRF would reach
 * (think Redis on loopback). Tests assert it received nothing.
 */
public final class Listener implements AutoCloseable {

    private final ServerSocket socket;
    private final AtomicInteger connections = new AtomicInteger();
    private final AtomicLong bytes = new AtomicLong();

    private Listener(ServerSocket socket) {
        this.socket = socket;
    }

    public static Listener start() throws IOException {
        Listener listener = new Listener(new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1")));
        Thread.ofVirtual().start(listener::accept);
        return listener;
    }

    private void accept() {
        while (!socket.isClosed()) {
            try {
                Socket client = socket.accept();
                connections.incrementAndGet();
                Thread.ofVirtual().start(() -> {
                    try (client; InputStream in = client.getInputStream()) {
                        byte[] buffer = new byte[4096];
                        int n;
                        while ((n = in.read(buffer)) >= 0) {
                            bytes.addAndGet(n);
                        }
                    } catch (IOException e) {
                        // the client went away
                    }
                });
            } catch (IOException e) {
                return;
            }
        }
    }

    public int port() {
        return socket.getLocalPort();
    }

    public int connections() {
        return connections.get();
    }

    public long bytes() {
        return bytes.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException e) {
            // closing
        }
    }
}
