package dev.minilab.runtime.tools.terraform;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A remote state for terraform's built-in {@code http} backend, on 127.0.0.1: {@code /state} (GET, POST, DELETE)
 * and {@code /lock} (POST takes the lock or answers 423 with the holder's lock info, DELETE releases it). Its locks
 * outlive a killed terraform, as those of real remote backends do.
 */
final class HttpStateBackend implements AutoCloseable {

    private final HttpServer server;
    private byte[] state;
    private byte[] lock;

    HttpStateBackend() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/state", this::state);
        server.createContext("/lock", this::lock);
        server.start();
    }

    /** The backend block for a module. */
    String terraformBlock() {
        String base = "http://127.0.0.1:" + server.getAddress().getPort();
        return """
                terraform {
                  backend "http" {
                    address        = "%s/state"
                    lock_address   = "%s/lock"
                    lock_method    = "POST"
                    unlock_address = "%s/lock"
                    unlock_method  = "DELETE"
                  }
                }
                """.formatted(base, base, base);
    }

    synchronized boolean locked() {
        return lock != null;
    }

    private synchronized void state(HttpExchange exchange) throws IOException {
        switch (exchange.getRequestMethod()) {
            case "GET" -> reply(exchange, state == null ? 404 : 200, state);
            case "POST" -> {
                state = exchange.getRequestBody().readAllBytes();
                reply(exchange, 200, null);
            }
            case "DELETE" -> {
                state = null;
                reply(exchange, 200, null);
            }
            default -> reply(exchange, 405, null);
        }
    }

    private synchronized void lock(HttpExchange exchange) throws IOException {
        byte[] body = exchange.getRequestBody().readAllBytes();
        switch (exchange.getRequestMethod()) {
            case "POST" -> {
                if (lock != null) {
                    reply(exchange, 423, lock);
                } else {
                    lock = body;
                    reply(exchange, 200, null);
                }
            }
            case "DELETE" -> {
                lock = null;
                reply(exchange, 200, null);
            }
            default -> reply(exchange, 405, null);
        }
    }

    private static void reply(HttpExchange exchange, int status, byte[] body) throws IOException {
        byte[] bytes = body == null ? new byte[0] : body;
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            try (OutputStream out = exchange.getResponseBody()) {
                out.write(bytes);
            }
        }
        exchange.close();
    }

    @Override
    public void close() {
        server.stop(0);
    }

    @Override
    public String toString() {
        return "HttpStateBackend(lock=" + (lock == null ? "none" : new String(lock, StandardCharsets.UTF_8)) + ")";
    }
}
