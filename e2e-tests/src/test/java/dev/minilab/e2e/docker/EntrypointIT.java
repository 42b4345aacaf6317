package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the image's entry point script outside Docker (no engine here): {@code keys} with the real agent jar,
 * {@code health} on a fresh and a stale heartbeat file, and {@code agent} without a role.
 */
class EntrypointIT {

    @TempDir
    Path home;

    private record Run(int exit, String output) {
    }

    private Run entrypoint(Map<String, String> extraEnv, String... args) throws IOException, InterruptedException {
        Path script = RepoFiles.root().resolve("docker/minilab-entrypoint.sh");
        Path jar = RepoFiles.root().resolve("agents/target/minilab-agent.jar");
        assertThat(jar).as("agent jar built by the agents module (run ./mvnw verify)").exists();
        List<String> command = new java.util.ArrayList<>(List.of("sh", script.toString()));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(k -> k.startsWith("MINILAB_") || k.equals("AGENT_ROLE"));
        String javaBin = Path.of(ProcessHandle.current().info().command().orElseThrow()).getParent().toString();
        env.put("PATH", javaBin + ":" + env.getOrDefault("PATH", "/usr/bin:/bin"));
        env.put("MINILAB_HOME", jar.getParent().toString()); // where the image keeps the jars: /opt/minilab
        env.put("MINILAB_WORKSPACE", home.resolve("ws").toString());
        env.putAll(extraEnv);
        Process process = builder.start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(process.exitValue(), output);
    }

    @Test
    void keysCreatesEveryPairOnceWithPrivateFilesOwnerOnly() throws Exception {
        Path keys = home.resolve("keys");

        Run first = entrypoint(Map.of(), "keys", keys.toString());
        Run second = entrypoint(Map.of(), "keys", keys.toString());

        assertThat(first.exit()).as(first.output()).isZero();
        assertThat(first.output()).contains("created");
        for (String sender : List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel", "QA_Tester", "User")) {
            Path priv = keys.resolve("private").resolve(sender).resolve(sender + ".pem");
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(priv))).isEqualTo("rw-------");
            assertThat(keys.resolve("public").resolve(sender + ".pub")).exists();
        }
        assertThat(second.exit()).isZero();
        assertThat(second.output()).doesNotContain("created").contains("kept");
        // Redis's copy of the ACL file (mounted into redis-broker): the same users, readable by Redis's own uid.
        Path redisCopy = keys.resolve("redis-server/users.acl");
        assertThat(redisCopy).hasSameTextualContentAs(keys.resolve("redis/users.acl"));
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(redisCopy))).isEqualTo("rw-r--r--");
        assertThat(Files.readString(redisCopy)).contains("user default off").doesNotContain(
                Files.readString(keys.resolve("redis/User.password")).strip());
    }

    @Test
    void healthIsOkOnlyWhileTheHeartbeatFileIsFresh() throws Exception {
        Path file = home.resolve("health");
        Map<String, String> env = Map.of("MINILAB_HEALTH_FILE", file.toString());

        Run missing = entrypoint(env, "health");
        Files.writeString(file, "ok\n");
        Run fresh = entrypoint(env, "health");
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(300)));
        Run stale = entrypoint(env, "health");

        assertThat(missing.exit()).isEqualTo(1);
        assertThat(missing.output()).contains("no heartbeat file");
        assertThat(fresh.exit()).isZero();
        assertThat(stale.exit()).isEqualTo(1);
        assertThat(stale.output()).contains("stuck or has lost Redis");
    }

    @Test
    void agentWithoutRoleFailsWithTheRolesToChooseFrom() throws Exception {
        Run run = entrypoint(Map.of(), "agent");

        assertThat(run.exit()).isEqualTo(64);
        assertThat(run.output()).contains("AGENT_ROLE is not set").contains("DevOps_Builder");
    }
}
