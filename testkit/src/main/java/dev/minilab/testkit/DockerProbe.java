package dev.minilab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.URI;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

/**
 * Answers quickly whether a local Docker engine responds to {@code GET /_ping}, caching the answer per endpoint for
 * the life of the JVM.
 *
 * <p>Only local engines count (a unix socket, or tcp on a loopback address): fixtures must not send traffic
 * anywhere but loopback, and the container backend binds its port on 127.0.0.1.
 */
final class DockerProbe {

    private static final Map<String, Boolean> CACHE = new ConcurrentHashMap<>();
    private static final long TIMEOUT_MILLIS = 700;
    private static final String DEFAULT_SOCKET = "unix:///var/run/docker.sock";

    private DockerProbe() {
    }

    /** Returns the endpoint this environment points at: {@code DOCKER_HOST} or the default unix socket. */
    static String endpoint(Map<String, String> environment) {
        String host = environment.get("DOCKER_HOST");
        return host == null || host.isBlank() ? DEFAULT_SOCKET : host.trim();
    }

    /** Returns whether the local engine at {@code endpoint} answered a ping (cached per endpoint). */
    static boolean answers(String endpoint) {
        return CACHE.computeIfAbsent(endpoint, DockerProbe::probe);
    }

    private static boolean probe(String endpoint) {
        // The ping runs on its own thread so a wedged engine cannot stall the caller past the timeout.
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            Future<Boolean> answer = executor.submit(() -> ping(endpoint));
            return answer.get(TIMEOUT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } catch (Exception e) {
            return false;
        } finally {
            executor.shutdownNow();
        }
    }

    private static boolean ping(String endpoint) throws IOException {
        byte[] request = "GET /_ping HTTP/1.0\r\nHost: docker\r\n\r\n".getBytes(StandardCharsets.US_ASCII);
        URI uri = URI.create(endpoint);
        if ("unix".equals(uri.getScheme())) {
            Path socket = Path.of(uri.getPath());
            if (!Files.exists(socket)) {
                return false;
            }
            try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
                channel.connect(UnixDomainSocketAddress.of(socket));
                channel.write(ByteBuffer.wrap(request));
                ByteBuffer buffer = ByteBuffer.allocate(512);
                channel.read(buffer);
                return isOk(new String(buffer.array(), 0, buffer.position(), StandardCharsets.US_ASCII));
            }
        }
        if ("tcp".equals(uri.getScheme()) && isLoopback(uri.getHost())) {
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), (int) TIMEOUT_MILLIS);
                socket.setSoTimeout((int) TIMEOUT_MILLIS);
                socket.getOutputStream().write(request);
                InputStream in = socket.getInputStream();
                return isOk(new String(in.readNBytes(512), StandardCharsets.US_ASCII));
            }
        }
        return false;
    }

    private static boolean isOk(String response) {
        return response.startsWith("HTTP/1.") && response.contains(" 200 ");
    }

    private static boolean isLoopback(String host) {
        return "localhost".equals(host) || "127.0.0.1".equals(host) || "::1".equals(host) || "[::1]".equals(host);
    }
}
