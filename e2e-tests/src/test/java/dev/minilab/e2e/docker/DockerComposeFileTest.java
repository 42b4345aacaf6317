package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Checks docker-compose.yml: valid against the Compose specification's JSON schema, the services and container
 * names, pinned images, volumes, restart policies, where the SSH key and the signing keys are mounted, and that
 * nothing is published on the host. The file is read as Compose reads it (YAML anchors and merge keys resolved).
 * The stack itself runs in container-tests {@code ComposeStackIT}.
 */
class DockerComposeFileTest {

    private static final Map<String, String> AGENTS = Map.of(
            "agent-architect", "Architect_Zero",
            "agent-devops", "DevOps_Builder",
            "agent-security", "Security_Sentinel",
            "agent-qa", "QA_Tester");
    private static final Set<String> SSH_KEY_HOLDERS = Set.of("agent-devops", "agent-qa");
    private static final String SSH_MOUNT = "/run/minilab/ssh";
    private static final String PRIVATE_KEY_MOUNT = "/run/minilab/key";

    private static JsonNode compose;
    private static JsonNode services;

    @BeforeAll
    static void parseComposeFile() {
        compose = RepoFiles.yaml("docker-compose.yml");
        services = compose.path("services");
        assertThat(services.isObject()).as("docker-compose.yml has a services map").isTrue();
    }

    @Test
    void composeFileIsValidAgainstTheComposeSpecification() throws Exception {
        Path spec = RepoFiles.root().resolveSibling("shared").resolve("reference").resolve("compose-spec.json");
        if (!Files.isRegularFile(spec)) {
            spec = Path.of("/work/shared/reference/compose-spec.json");
        }
        assertThat(spec).as("the Compose specification schema (shared/reference/compose-spec.json)").isRegularFile();
        ObjectNode schemaJson = (ObjectNode) new ObjectMapper().readTree(spec.toFile());
        // The file names its dialect by an https URL the validator would try to download (it is draft-07), and has
        // a relative $id that needs a base: give it its own location.
        schemaJson.remove("$schema");
        schemaJson.put("$id", spec.toUri().toString());
        Schema schema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_7)
                .getSchema(schemaJson.toString(), InputFormat.JSON);

        List<Error> errors = schema.validate(compose);

        assertThat(errors).as("docker-compose.yml against %s", spec).isEmpty();
    }

    @Test
    void theFourAgentsShareOneXAgentExtensionThroughYamlAnchors() {
        String text = RepoFiles.read("docker-compose.yml");
        assertThat(text).containsOnlyOnce("x-agent: &agent\n");
        AGENTS.keySet().forEach(name -> assertThat(text).as(name)
                .containsPattern("(?m)^  " + name + ":\\n    <<: \\*agent\\n"));
        JsonNode shared = compose.path("x-agent");
        AGENTS.keySet().forEach(name -> shared.properties().forEach(field -> assertThat(services.path(name)
                .path(field.getKey())).as(name + "." + field.getKey() + " comes from x-agent").isEqualTo(field.getValue())));
    }

    @Test
    void composeDefinesBrokerFourAgentsConsoleKeysAndTheLocalLlmProfile() {
        assertThat(names(services)).containsExactlyInAnyOrder("redis-broker", "keys", "bus-functions", "ollama",
                "ollama-pull",
                "agent-architect", "agent-devops", "agent-security", "agent-qa", "user-console",
                "prometheus", "grafana");
        for (String name : List.of("redis-broker", "agent-architect", "agent-devops", "agent-security", "agent-qa",
                "user-console")) {
            assertThat(services.path(name).path("container_name").asText()).as(name + " container name").isEqualTo(name);
        }
    }

    @Test
    void everyImageIsPinnedToAVersionTag() {
        services.properties().forEach(entry -> {
            String image = RepoFiles.withDefaults(entry.getValue().path("image").asText(""));
            assertThat(image).as(entry.getKey() + " has an image").isNotBlank();
            int colon = image.lastIndexOf(':');
            assertThat(colon).as(entry.getKey() + " image " + image + " has a tag").isPositive();
            String tag = image.substring(colon + 1);
            assertThat(tag).as(entry.getKey() + " image tag").isNotEqualTo("latest").matches(".*\\d+\\.\\d+.*");
            assertThat(image).as(entry.getKey()).doesNotContain("<");
        });
        assertThat(services.path("redis-broker").path("image").asText()).startsWith("redis:7.");
    }

    @Test
    void redisKeepsAnAppendOnlyLogLoadsThePerRoleAclFileAfterTheKeysOneShotAndPublishesNoPort() {
        JsonNode redis = services.path("redis-broker");
        List<String> command = texts(redis.path("command"));
        assertThat(command).containsSubsequence("--appendonly", "yes");
        assertThat(command).as("fsync every write so chat_seq never goes back after a crash")
                .containsSubsequence("--appendfsync", "always");
        assertThat(command).as("no shared password: the ACL users only").doesNotContain("--requirepass");
        int acl = command.indexOf("--aclfile");
        assertThat(acl).as("redis-server --aclfile").isNotNegative();
        assertThat(volumes(redis)).filteredOn(v -> command.get(acl + 1).startsWith(v.target() + "/"))
                .as("the ACL file comes from the keys one-shot's Redis copy, read-only")
                .extracting(Volume::source, Volume::readOnly)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("./keys/redis-server", true));
        assertThat(redis.path("depends_on").path("keys").path("condition").asText())
                .isEqualTo("service_completed_successfully");
        assertThat(redis.has("environment")).as("redis-broker holds no password").isFalse();
        assertThat(texts(redis.path("healthcheck").path("test")).toString()).as("healthy = refuses a client that has "
                + "not logged in").contains("NOAUTH");
        assertThat(redis.has("ports")).as("redis-broker publishes no host port").isFalse();
        assertThat(volumeTargets(redis)).contains("/data");
    }

    @Test
    void noServicePublishesAHostPortOrRunsPrivileged() {
        services.properties().forEach(entry -> {
            if (isObservability(entry.getValue())) {
                // Prometheus and Grafana (profile observability) are for the person at this machine: loopback only.
                entry.getValue().path("ports").forEach(port -> assertThat(RepoFiles.withDefaults(port.asText()))
                        .as(entry.getKey() + " port").startsWith("127.0.0.1:"));
            } else {
                assertThat(entry.getValue().has("ports")).as(entry.getKey() + " ports").isFalse();
            }
            assertThat(entry.getValue().path("privileged").asBoolean(false)).as(entry.getKey()).isFalse();
            assertThat(entry.getValue().path("network_mode").asText("")).as(entry.getKey()).isNotEqualTo("host");
        });
    }

    private static boolean isObservability(JsonNode service) {
        for (JsonNode profile : service.path("profiles")) {
            if (profile.asText().equals("observability")) {
                return true;
            }
        }
        return false;
    }

    @Test
    void observabilityProfileScrapesEveryAgentAndProvisionsTheDashboard() {
        assertThat(isObservability(services.path("prometheus"))).isTrue();
        assertThat(isObservability(services.path("grafana"))).isTrue();
        String scrape = RepoFiles.read("observability/prometheus.yml");
        int port = 9464;
        for (String agent : List.of("agent-architect", "agent-devops", "agent-security", "agent-qa")) {
            assertThat(RepoFiles.withDefaults(services.path(agent).path("environment").path("METRICS_PORT").asText()))
                    .as(agent).isEqualTo("9464");
            assertThat(scrape).contains(agent + ":" + port++);
        }
        assertThat(services.path("grafana").path("volumes").toString()).contains("./docs/grafana:")
                .contains("./observability/grafana/provisioning:");
        assertThat(RepoFiles.read("docs/grafana/minilab.json")).contains("agent_llm_cost_dollars_total")
                .contains("agent_halts_total").contains("minilab-prometheus");
    }

    @Test
    void eachAgentRunsOneContainerWithItsRoleRestartPolicyHealthcheckAndWorkspaceVolumes() {
        AGENTS.forEach((name, role) -> {
            JsonNode agent = services.path(name);
            assertThat(agent.path("environment").path("AGENT_ROLE").asText()).as(name).isEqualTo(role);
            assertThat(agent.path("restart").asText()).as(name + " restart").isEqualTo("unless-stopped");
            assertThat(agent.has("deploy") && agent.path("deploy").has("replicas")).as(name + " replicas").isFalse();
            assertThat(texts(agent.path("healthcheck").path("test"))).as(name + " healthcheck")
                    .contains("/usr/local/bin/minilab-entrypoint", "health");
            assertThat(volumeTargets(agent)).as(name + " volumes")
                    .contains("/app/generated_iac", "/app/docs", "/app/prompts");
            assertThat(agent.path("environment").path("MINILAB_WORKSPACE").asText()).isEqualTo("/app");
            assertThat(agent.path("environment").path("REDIS_HOST").asText()).isEqualTo("redis-broker");
            assertThat(agent.path("environment").has("REDIS_PASSWORD")).as(name + ": no shared password").isFalse();
            assertThat(agent.path("depends_on").path("redis-broker").path("condition").asText())
                    .isEqualTo("service_healthy");
            assertThat(agent.path("depends_on").path("keys").path("condition").asText())
                    .isEqualTo("service_completed_successfully");
            assertThat(agent.path("depends_on").path("bus-functions").path("condition").asText())
                    .as(name + " starts after the function library is loaded").isEqualTo("service_completed_successfully");
        });
    }

    @Test
    void sshKeyIsMountedReadOnlyIntoDevOpsAndQaOnly() {
        services.properties().forEach(entry -> {
            List<Volume> ssh = volumes(entry.getValue()).stream().filter(v -> v.target().equals(SSH_MOUNT)).toList();
            if (SSH_KEY_HOLDERS.contains(entry.getKey())) {
                assertThat(ssh).as(entry.getKey() + " gets the SSH key").hasSize(1);
                assertThat(ssh.get(0).readOnly()).as(entry.getKey() + " SSH key read-only").isTrue();
                assertThat(entry.getValue().path("environment").path("SSH_KEY_PATH").asText()).startsWith(SSH_MOUNT + "/");
            } else {
                assertThat(ssh).as(entry.getKey() + " must not get the SSH key").isEmpty();
                assertThat(entry.getValue().path("environment").has("SSH_KEY_PATH")).as(entry.getKey()).isFalse();
            }
        });
    }

    @Test
    void eachSignerGetsOnlyItsOwnPrivateKeyAndEveryPublicKey() {
        Map<String, String> signers = new java.util.HashMap<>(AGENTS);
        signers.put("user-console", "User");
        signers.forEach((name, sender) -> {
            JsonNode service = services.path(name);
            List<Volume> keyMounts = volumes(service).stream().filter(v -> v.source().startsWith("./keys")).toList();
            assertThat(keyMounts).as(name + " key mounts").extracting(Volume::source)
                    .containsExactlyInAnyOrder("./keys/private/" + sender, "./keys/public",
                            "./keys/redis/" + sender + ".password");
            assertThat(keyMounts).as(name + " key mounts are read-only").allMatch(Volume::readOnly);
            assertThat(volumes(service)).filteredOn(v -> v.target().equals(PRIVATE_KEY_MOUNT))
                    .extracting(Volume::source).containsExactly("./keys/private/" + sender);
            assertThat(service.path("environment").path("MINILAB_PRIVATE_KEY").asText())
                    .isEqualTo(PRIVATE_KEY_MOUNT + "/" + sender + ".pem");
            assertThat(service.path("environment").path("MINILAB_PUBLIC_KEYS").asText()).isEqualTo("/run/minilab/public");
            // Its own Redis ACL user, logging in with its own password file (the only one mounted).
            assertThat(service.path("environment").path("REDIS_USERNAME").asText()).as(name)
                    .isEqualTo(sender.toLowerCase(java.util.Locale.ROOT));
            String passwordFile = service.path("environment").path("REDIS_PASSWORD_FILE").asText();
            assertThat(volumes(service)).filteredOn(v -> v.target().equals(passwordFile)).as(name + " password file")
                    .extracting(Volume::source).containsExactly("./keys/redis/" + sender + ".password");
            assertThat(service.path("environment").has("REDIS_PASSWORD")).as(name).isFalse();
        });
        services.properties().forEach(entry -> {
            if (entry.getKey().equals("redis-broker")) {
                assertThat(volumes(entry.getValue())).as("redis-broker sees only the ACL file's folder of the keys")
                        .filteredOn(v -> v.source().startsWith("./keys")).extracting(Volume::source)
                        .containsExactly("./keys/redis-server");
            } else if (entry.getKey().equals("bus-functions")) {
                assertThat(volumes(entry.getValue())).as("bus-functions sees only the User's Redis password")
                        .filteredOn(v -> v.source().startsWith("./keys")).extracting(Volume::source)
                        .containsExactly("./keys/redis/User.password");
            } else if (!signers.containsKey(entry.getKey()) && !entry.getKey().equals("keys")) {
                assertThat(volumes(entry.getValue())).as(entry.getKey() + " sees no keys")
                        .noneMatch(v -> v.source().startsWith("./keys"));
            }
        });
    }

    @Test
    void keysServiceCreatesMissingKeysOnceBeforeAnyAgentStarts() {
        JsonNode keys = services.path("keys");
        assertThat(texts(keys.path("command"))).containsExactly("keys", "/keys");
        assertThat(keys.path("restart").asText()).isEqualTo("no");
        assertThat(volumes(keys)).extracting(Volume::source, Volume::target)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("./keys", "/keys"));
    }

    @Test
    void busFunctionsLoadsTheLibraryOnceAsTheUserBeforeTheAgentsAndTheConsoleStart() {
        JsonNode functions = services.path("bus-functions");
        assertThat(texts(functions.path("command"))).containsExactly("functions");
        assertThat(functions.path("restart").asText()).isEqualTo("no");
        assertThat(functions.path("environment").path("REDIS_USERNAME").asText()).isEqualTo("user");
        assertThat(functions.path("depends_on").path("redis-broker").path("condition").asText())
                .isEqualTo("service_healthy");
        assertThat(services.path("user-console").path("depends_on").path("bus-functions").path("condition").asText())
                .isEqualTo("service_completed_successfully");
    }

    @Test
    void consoleIsAttachableAndLocalLlmProfileIsTheZeroKeyDefault() {
        JsonNode console = services.path("user-console");
        assertThat(console.path("stdin_open").asBoolean()).isTrue();
        assertThat(console.path("tty").asBoolean()).isTrue();
        assertThat(texts(console.path("command"))).containsExactly("console");
        assertThat(console.path("environment").has("OPENAI_API_KEY")).as("the console needs no LLM key").isFalse();

        assertThat(texts(services.path("ollama").path("profiles"))).containsExactly("local-llm");
        assertThat(texts(services.path("ollama-pull").path("profiles"))).containsExactly("local-llm");
        assertThat(texts(services.path("ollama-pull").path("command"))).first().isEqualTo("pull");
        AGENTS.keySet().forEach(name -> {
            JsonNode env = services.path(name).path("environment");
            assertThat(RepoFiles.withDefaults(env.path("OPENAI_API_BASE").asText()))
                    .isEqualTo("http://ollama:11434/v1");
            assertThat(RepoFiles.withDefaults(env.path("LLM_MODEL").asText()))
                    .isEqualTo(RepoFiles.withDefaults(texts(services.path("ollama-pull").path("command")).get(1)));
            JsonNode pull = services.path(name).path("depends_on").path("ollama-pull");
            assertThat(pull.path("required").asBoolean(true)).as(name + " runs without the profile too").isFalse();
        });
    }

    @Test
    void onlyDevOpsGetsTheProxmoxToken() {
        services.properties().forEach(entry -> assertThat(entry.getValue().path("environment").has("PM_TOKEN_SECRET"))
                .as(entry.getKey()).isEqualTo(entry.getKey().equals("agent-devops")));
    }

    private record Volume(String source, String target, boolean readOnly) {
        static Volume parse(String shortSyntax) {
            String[] parts = RepoFiles.withDefaults(shortSyntax).split(":");
            assertThat(parts.length).as("volume " + shortSyntax).isBetween(2, 3);
            return new Volume(parts[0], parts[1], parts.length == 3 && parts[2].equals("ro"));
        }
    }

    private static List<Volume> volumes(JsonNode service) {
        List<Volume> out = new ArrayList<>();
        service.path("volumes").forEach(v -> out.add(Volume.parse(v.asText())));
        return out;
    }

    private static List<String> volumeTargets(JsonNode service) {
        return volumes(service).stream().map(Volume::target).toList();
    }

    private static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    private static Set<String> names(JsonNode object) {
        Set<String> out = new TreeSet<>();
        object.fieldNames().forEachRemaining(out::add);
        return out;
    }
}
