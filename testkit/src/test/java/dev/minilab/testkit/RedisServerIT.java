package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RedisServerIT {

    private static final RedisServer.Options PROCESS = RedisServer.Options.defaults()
            .withStrategies(RedisServer.Kind.PROCESS);

    @Test
    void startedServerAnswersPingOverARawSocketOnLoopback() throws IOException {
        try (RedisServer redis = RedisServer.start(PROCESS)) {
            assertThat(redis.kind()).isEqualTo(RedisServer.Kind.PROCESS);
            assertThat(redis.host()).isEqualTo("127.0.0.1");
            assertThat(redis.port()).isNotEqualTo(6379);
            assertThat(redis.uri()).isEqualTo("redis://127.0.0.1:" + redis.port());
            assertThat(rawCommand(redis.port(), "*1\r\n$4\r\nPING\r\n")).isEqualTo("+PONG\r\n");
        }
    }

    @Test
    void kill9MakesThePortRefuseConnections() {
        try (RedisServer redis = RedisServer.start(PROCESS)) {
            redis.kill9();

            assertThatThrownBy(() -> rawCommand(redis.port(), "*1\r\n$4\r\nPING\r\n"))
                    .isInstanceOf(ConnectException.class);
            assertThat(redis.ping()).isFalse();
        }
    }

    @Test
    void restartWithAppendOnlyKeepsAKeyWrittenBeforeKill9() {
        RedisServer.Options options = PROCESS.withAppendOnly(true).withPassword("s3cr:et@pw");
        try (RedisServer redis = RedisServer.start(options)) {
            int port = redis.port();
            assertThat(redis.command("SET", "k", "survives")).isEqualTo("OK");

            redis.kill9();
            redis.restart();

            assertThat(redis.port()).isEqualTo(port);
            assertThat(redis.command("GET", "k")).isEqualTo("survives");
        }
    }

    @Test
    void restartWithoutAppendOnlyLosesData() {
        try (RedisServer redis = RedisServer.start(PROCESS)) {
            redis.command("SET", "k", "v");

            redis.kill9();
            redis.restart();

            assertThat(redis.command("GET", "k")).isNull();
        }
    }

    @Test
    void passwordIsRequiredAndAppearsEncodedInUri() throws IOException {
        try (RedisServer redis = RedisServer.start(PROCESS.withPassword("p@ss word"))) {
            assertThat(rawCommand(redis.port(), "*1\r\n$4\r\nPING\r\n")).startsWith("-NOAUTH");
            assertThat(redis.ping()).isTrue();
            assertThat(redis.password()).isEqualTo("p@ss word");
            assertThat(redis.uri()).isEqualTo("redis://:p%40ss%20word@127.0.0.1:" + redis.port());
        }
    }

    @Test
    void givenDataDirIsUsedForAofAndKeptOnClose(@TempDir Path dir) {
        try (RedisServer redis = RedisServer.start(PROCESS.withAppendOnly(true).withDataDir(dir))) {
            redis.command("SET", "k", "v");
        }
        assertThat(dir.resolve("redis-server.log")).exists();
        assertThat(dir.resolve("appendonlydir")).isDirectory();
    }

    @Test
    void startupFailureReportsTheTailOfRedisOutput(@TempDir Path bin) throws IOException {
        Path fake = bin.resolve("redis-server");
        Files.writeString(fake, "#!/bin/sh\necho 'FATAL CONFIG FILE ERROR: bad directive'\nexit 1\n");
        Files.setPosixFilePermissions(fake, PosixFilePermissions.fromString("rwxr-xr-x"));

        assertThatThrownBy(() -> RedisServer.start(PROCESS.withEnvironment(Map.of("PATH", bin.toString()))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exited with code 1")
                .hasMessageContaining("FATAL CONFIG FILE ERROR: bad directive");
    }

    @Test
    void withoutAnyBackendTheErrorNamesEveryReason() {
        RedisServer.Options nothing = RedisServer.Options.defaults()
                .withEnvironment(Map.of("PATH", "/nonexistent", "DOCKER_HOST", "unix:///nonexistent/docker.sock"));

        assertThatThrownBy(() -> RedisServer.start(nothing))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("Install redis-server")
                .hasMessageContaining("no local Docker engine answered at unix:///nonexistent/docker.sock")
                .hasMessageContaining("no redis-server on PATH")
                .hasMessageContaining("REDIS_URL is not set");
    }

    @Test
    void redisUrlIsUsedWhenNothingElseIsAvailableAndCannotBeKilled() {
        try (RedisServer real = RedisServer.start(PROCESS.withPassword("p w@1"))) {
            RedisServer.Options external = RedisServer.Options.defaults().withEnvironment(Map.of(
                    "PATH", "/nonexistent", "DOCKER_HOST", "unix:///nonexistent/docker.sock",
                    "REDIS_URL", real.uri()));
            try (RedisServer redis = RedisServer.start(external)) {
                assertThat(redis.kind()).isEqualTo(RedisServer.Kind.EXTERNAL);
                assertThat(redis.port()).isEqualTo(real.port());
                assertThat(redis.password()).isEqualTo("p w@1");
                assertThat(redis.ping()).isTrue();
                assertThat(redis.canRestart()).isFalse();
                assertThat(redis.namespace()).isNotEqualTo(real.namespace()).endsWith(":");
                assertThatThrownBy(redis::kill9).isInstanceOf(UnsupportedOperationException.class);
            }
            assertThat(real.ping()).as("closing an external fixture leaves the server running").isTrue();
        }
    }

    @Test
    void twoServersGetDifferentPorts() {
        try (RedisServer a = RedisServer.start(PROCESS); RedisServer b = RedisServer.start(PROCESS)) {
            assertThat(a.port()).isNotEqualTo(b.port());
            a.command("SET", "k", "a");
            assertThat(b.command("GET", "k")).isNull();
        }
    }

    private static String rawCommand(int port, String resp) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout((int) Duration.ofSeconds(2).toMillis());
            socket.getOutputStream().write(resp.getBytes(StandardCharsets.US_ASCII));
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[256];
            int n = in.read(buffer);
            return new String(buffer, 0, n, StandardCharsets.US_ASCII);
        }
    }
}
