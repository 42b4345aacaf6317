package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DockerProbeIT {

    @TempDir
    Path dir;

    @Test
    void engineAnsweringPingOnAUnixSocketCounts() throws Exception {
        Path socket = dir.resolve("docker.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            Thread.ofVirtual().start(() -> answerOnce(server, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nOK"));

            assertThat(DockerProbe.answers("unix://" + socket)).isTrue();
        }
    }

    @Test
    void silentSocketIsGivenUpWithinASecond() throws Exception {
        Path socket = dir.resolve("silent.sock");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(socket));
            long start = System.nanoTime();

            assertThat(DockerProbe.answers("unix://" + socket)).isFalse();
            assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1_500);
        }
    }

    @Test
    void missingSocketAndRemoteTcpEnginesDoNotCount() {
        assertThat(DockerProbe.answers("unix://" + dir.resolve("none.sock"))).isFalse();
        assertThat(DockerProbe.answers("tcp://192.0.2.1:2375")).isFalse();
        assertThat(DockerProbe.endpoint(Map.of())).isEqualTo("unix:///var/run/docker.sock");
        assertThat(DockerProbe.endpoint(Map.of("DOCKER_HOST", "tcp://127.0.0.1:2375")))
                .isEqualTo("tcp://127.0.0.1:2375");
    }

    private static void answerOnce(ServerSocketChannel server, String response) {
        try (SocketChannel client = server.accept()) {
            client.read(ByteBuffer.allocate(1024));
            client.write(ByteBuffer.wrap(response.getBytes(StandardCharsets.US_ASCII)));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
