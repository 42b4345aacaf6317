package dev.minilab.containers.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.containers.compose.ComposeService.Dependency;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading the repository's docker-compose.yml (anchors, merge keys, profiles) and refusing what it cannot translate. */
class ComposeFileTest {

    private static final Path REPO_COMPOSE = repoCompose();

    @TempDir
    Path dir;

    private ComposeFile repoFile(Map<String, String> env) {
        return ComposeFile.load(REPO_COMPOSE, dir.resolve("project"), env);
    }

    @Test
    void agentServicesGetTheSharedSettingsThroughTheXAgentAnchor() {
        ComposeFile compose = repoFile(Map.of("REDIS_PASSWORD", "pw", "OPENAI_API_BASE", "http://10.0.0.1:9/v1"));

        ComposeService devops = compose.service("agent-devops");
        assertThat(devops.image()).isEqualTo("minilab:0.1.0");
        assertThat(devops.command()).contains(List.of("agent"));
        assertThat(devops.restart()).isEqualTo("unless-stopped");
        assertThat(devops.environment()).containsEntry("AGENT_ROLE", "DevOps_Builder")
                .containsEntry("REDIS_USERNAME", "devops_builder")
                .containsEntry("REDIS_PASSWORD_FILE", "/run/minilab/redis/redis.password")
                .containsEntry("OPENAI_API_BASE", "http://10.0.0.1:9/v1")
                .containsEntry("SSH_KEY_PATH", "/run/minilab/ssh/bootstrap_id_rsa")
                .containsEntry("MINILAB_PRIVATE_KEY", "/run/minilab/key/DevOps_Builder.pem");
        assertThat(devops.healthcheck().orElseThrow().test())
                .containsExactly("CMD", "/usr/local/bin/minilab-entrypoint", "health");
        assertThat(devops.healthcheck().orElseThrow().interval()).contains(Duration.ofSeconds(30));
        assertThat(devops.build().orElseThrow().args()).containsEntry("MINILAB_UID", "1000");
        assertThat(devops.volumes()).anySatisfy(v -> {
            assertThat(v.source()).isEqualTo(dir.resolve("project/keys/private/DevOps_Builder").toString());
            assertThat(v.target()).isEqualTo("/run/minilab/key");
            assertThat(v.readOnly()).isTrue();
        });
        assertThat(compose.service("agent-architect").environment()).doesNotContainKey("SSH_KEY_PATH");
    }

    @Test
    void profilesDecideWhichServicesRunAndOptionalDependenciesDropOut() {
        ComposeFile plain = repoFile(Map.of("REDIS_PASSWORD", "pw"));
        assertThat(plain.enabledServices()).extracting(ComposeService::name).doesNotContain("ollama", "ollama-pull");
        assertThat(plain.startOrder(List.of("agent-qa"))).extracting(ComposeService::name)
                .containsExactly("keys", "redis-broker", "bus-functions", "agent-qa");
        assertThat(plain.activeDependencies(plain.service("agent-qa")))
                .containsEntry("redis-broker", new Dependency(Dependency.HEALTHY, true))
                .containsEntry("keys", new Dependency(Dependency.COMPLETED, true))
                .doesNotContainKey("ollama-pull");

        ComposeFile local = repoFile(Map.of("REDIS_PASSWORD", "pw", "COMPOSE_PROFILES", "local-llm"));
        assertThat(local.startOrder(List.of("agent-qa"))).extracting(ComposeService::name)
                .containsExactly("keys", "redis-broker", "bus-functions", "ollama", "ollama-pull", "agent-qa");
    }

    @Test
    void theStackNeedsNoSharedRedisPasswordAndRedisWaitsForTheKeysOneShot() {
        ComposeFile compose = repoFile(Map.of());
        assertThat(compose.service("redis-broker").command().orElseThrow()).contains("--aclfile")
                .doesNotContain("--requirepass");
        assertThat(compose.activeDependencies(compose.service("redis-broker")))
                .containsEntry("keys", new Dependency(Dependency.COMPLETED, true));
    }

    @Test
    void aServiceKeyTheTestCannotTranslateFailsLoadingAndNamesIt() throws IOException {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, """
                services:
                  tool:
                    image: x:1.0
                    ulimits:
                      nofile: 65536
                """);

        assertThatThrownBy(() -> ComposeFile.load(file, dir, Map.of())).isInstanceOf(ComposeException.class)
                .hasMessageContaining("tool").hasMessageContaining("ulimits")
                .hasMessageContaining("ComposeFile.SERVICE_KEYS");
    }

    @Test
    void aServiceLeftOutByTheProfilesMayUseKeysTheTestDoesNotTranslate() throws IOException {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, """
                services:
                  grafana:
                    image: grafana/grafana:11.0.0
                    profiles: ["observability"]
                    ports: ["127.0.0.1:3000:3000"]
                """);

        assertThat(ComposeFile.load(file, dir, Map.of()).enabledServices()).isEmpty();
        assertThatThrownBy(() -> ComposeFile.load(file, dir, Map.of("COMPOSE_PROFILES", "observability")))
                .isInstanceOf(ComposeException.class).hasMessageContaining("grafana uses 'ports'");
    }

    @Test
    void mergeKeysOverrideInFileOrderAndDurationsParse() throws IOException {
        Path file = dir.resolve("docker-compose.yml");
        Files.writeString(file, """
                x-base: &base
                  image: x:1.0
                  restart: always
                  environment: {A: "1"}
                services:
                  one:
                    <<: *base
                    restart: "no"
                    stop_grace_period: 1m30s
                """);

        ComposeService one = ComposeFile.load(file, dir, Map.of()).service("one");

        assertThat(one.restart()).isEqualTo("no");
        assertThat(one.environment()).containsEntry("A", "1");
        assertThat(one.stopGracePeriod()).contains(Duration.ofSeconds(90));
        assertThat(ServiceParser.duration("500ms")).isEqualTo(Duration.ofMillis(500));
        assertThatThrownBy(() -> ServiceParser.duration("10 seconds")).isInstanceOf(ComposeException.class);
    }

    private static Path repoCompose() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
            dir = dir.getParent();
        }
        if (dir == null) {
            throw new IllegalStateException("no docker-compose.yml above " + Path.of("").toAbsolutePath());
        }
        return dir.resolve("docker-compose.yml");
    }
}
