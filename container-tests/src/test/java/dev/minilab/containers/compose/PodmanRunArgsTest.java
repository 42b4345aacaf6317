package dev.minilab.containers.compose;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What {@code podman run} gets for a compose service: everything the file says, and only machine settings besides. */
class PodmanRunArgsTest {

    private static final PodmanRunArgs.Settings SETTINGS = new PodmanRunArgs.Settings("minilab", "minilab_default",
            List.of("nproc=4096:4096", "nofile=4096:4096"), Map.of("redis", "localhost/stand-in:1"));

    @TempDir
    Path dir;

    private ComposeFile compose(String yaml) throws Exception {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, yaml);
        return ComposeFile.load(file, dir.resolve("project"), Map.of("PW", "secret"));
    }

    @Test
    void agentLikeServiceBecomesTheMatchingRunCommand() throws Exception {
        ComposeService service = compose("""
                services:
                  agent:
                    image: minilab:0.1.0
                    container_name: agent-x
                    command: ["agent"]
                    user: "0:0"
                    stdin_open: true
                    tty: true
                    restart: unless-stopped
                    stop_grace_period: 20s
                    environment:
                      REDIS_PASSWORD: ${PW}
                    volumes:
                      - ./keys/private/X:/run/minilab/key:ro
                      - data:/data
                    healthcheck:
                      test: ["CMD", "/usr/local/bin/minilab-entrypoint", "health"]
                      interval: 30s
                      retries: 3
                volumes:
                  data:
                """).service("agent");

        List<String> args = PodmanRunArgs.of(service, SETTINGS);

        assertThat(args).containsSubsequence("run", "-d", "--pull=never", "--name", "agent-x", "--network",
                "minilab_default", "--network-alias", "agent");
        assertThat(args).containsSubsequence("--ulimit", "nproc=4096:4096").containsSubsequence("--user", "0:0")
                .contains("--interactive", "--tty", "--restart=unless-stopped")
                .containsSubsequence("--stop-timeout", "20")
                .containsSubsequence("--env", "REDIS_PASSWORD=secret")
                .containsSubsequence("--volume", dir.resolve("project/keys/private/X") + ":/run/minilab/key:ro")
                .containsSubsequence("--volume", "minilab_data:/data")
                .containsSubsequence("--health-cmd", "[\"/usr/local/bin/minilab-entrypoint\",\"health\"]")
                .containsSubsequence("--health-interval", "30000ms")
                .containsSubsequence("--health-retries", "3");
        assertThat(args.subList(args.size() - 2, args.size())).containsExactly("minilab:0.1.0", "agent");
    }

    @Test
    void securityOptionsCapabilitiesAndFilesystemSettingsArePassedOn() throws Exception {
        ComposeService service = compose("""
                services:
                  tool:
                    image: minilab:0.1.0
                    security_opt: ["seccomp=docker/seccomp.json", "no-new-privileges:true"]
                    cap_drop: [ALL]
                    cap_add: [CHOWN]
                    read_only: true
                    tmpfs: /tmp
                    init: true
                    working_dir: /app
                    stop_signal: SIGINT
                    labels:
                      dev.minilab.role: tool
                """).service("tool");

        List<String> args = PodmanRunArgs.of(service, SETTINGS);

        assertThat(args).as("a relative profile is read from the project directory, as Compose v2 reads it")
                .containsSubsequence("--security-opt", "seccomp=" + dir.resolve("project/docker/seccomp.json"))
                .containsSubsequence("--security-opt", "no-new-privileges:true")
                .containsSubsequence("--cap-drop", "ALL").containsSubsequence("--cap-add", "CHOWN")
                .contains("--read-only", "--init").containsSubsequence("--tmpfs", "/tmp")
                .containsSubsequence("--workdir", "/app").containsSubsequence("--stop-signal", "SIGINT")
                .containsSubsequence("--label", "dev.minilab.role=tool");
    }

    @Test
    void seccompProfilesOtherThanRelativePathsArePassedOnAsWritten() throws Exception {
        ComposeService service = compose("""
                services:
                  tool:
                    image: minilab:0.1.0
                    security_opt: ["seccomp:unconfined", "seccomp=/etc/profile.json", "seccomp:./p.json",
                                   "systempaths=unconfined"]
                """).service("tool");

        assertThat(service.hardening().securityOpt()).containsExactly("seccomp:unconfined",
                "seccomp=/etc/profile.json", "seccomp=" + dir.resolve("project/p.json"), "systempaths=unconfined");
    }

    @Test
    void shellHealthchecksDisabledHealthchecksAndStandInImages() throws Exception {
        ComposeFile file = compose("""
                services:
                  redis:
                    image: redis:7.4.1-alpine
                    healthcheck:
                      test: ["CMD-SHELL", "redis-cli ping | grep -q PONG"]
                  once:
                    image: minilab:0.1.0
                    healthcheck:
                      disable: true
                """);

        List<String> redis = PodmanRunArgs.of(file.service("redis"), SETTINGS);
        List<String> once = PodmanRunArgs.of(file.service("once"), SETTINGS);

        assertThat(redis).containsSubsequence("--health-cmd", "redis-cli ping | grep -q PONG")
                .endsWith("localhost/stand-in:1").containsSubsequence("--name", "minilab-redis-1");
        assertThat(once).contains("--no-healthcheck").doesNotContain("--health-cmd").endsWith("minilab:0.1.0");
    }
}
