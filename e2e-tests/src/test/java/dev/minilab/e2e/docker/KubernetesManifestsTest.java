package dev.minilab.e2e.docker;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * Static checks of the Kubernetes manifests in {@code deploy/k8s} (issue 13). No cluster, kubectl or kustomize exists
 * where the build runs, so nothing here applies them: the checks are what can be known from the files — every YAML
 * parses, the kustomization names files that exist (and every manifest is named), every image is pinned, no Secret
 * holds a value, every container has resources, every agent has probes, the NetworkPolicy denies by default, and the
 * pods run as the compose file runs its containers.
 */
class KubernetesManifestsTest {

    private static final String DIR = "deploy/k8s";
    private static final Map<String, String> AGENTS = Map.of(
            "agent-architect", "Architect_Zero",
            "agent-devops", "DevOps_Builder",
            "agent-security", "Security_Sentinel",
            "agent-qa", "QA_Tester");
    /** The agents that run tool processes in bubblewrap sandboxes (compose: seccomp-bwrap.json, systempaths). */
    private static final Set<String> SANDBOXED = Set.of("agent-devops", "agent-security", "agent-qa");
    /** An agent JVM's largest measured resident memory during a turn (docs/DEPLOY.md "Resources"), in bytes. */
    private static final long MEASURED_PEAK_RSS = 302L * 1000 * 1000;
    private static final Pattern SECRET_NAME = Pattern.compile(
            ".*PASSWORD.*|.*SECRET.*|.*API_KEY|.*TOKEN_ID|.*PRIVATE_KEY|REDIS_URL");

    private static final List<Doc> docs = new ArrayList<>();
    private static JsonNode kustomization;

    /** One YAML document of one file. */
    private record Doc(String file, JsonNode node) {
        String kind() {
            return node.path("kind").asText();
        }

        String name() {
            return node.path("metadata").path("name").asText();
        }

        @Override
        public String toString() {
            return file + " " + kind() + "/" + name();
        }
    }

    @BeforeAll
    static void parseEveryYamlFile() throws IOException {
        Path dir = RepoFiles.root().resolve(DIR);
        assertThat(dir).isDirectory();
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".yaml") || f.toString().endsWith(".yml"))
                    .sorted().toList()) {
                LoaderOptions options = new LoaderOptions();
                options.setAllowDuplicateKeys(false);
                String name = dir.relativize(file).toString();
                for (Object tree : new Yaml(new SafeConstructor(options))
                        .loadAll(Files.readString(file, StandardCharsets.UTF_8))) {
                    if (tree != null) {
                        docs.add(new Doc(name, new ObjectMapper().valueToTree(tree)));
                    }
                }
            }
        }
        kustomization = docs.stream().filter(d -> d.file().equals("kustomization.yaml")).findFirst()
                .orElseThrow(() -> new AssertionError(DIR + "/kustomization.yaml is missing")).node();
    }

    @Test
    void everyDocumentIsAKubernetesObjectWithAKindAndAName() {
        assertThat(docs).hasSizeGreaterThan(8);
        for (Doc doc : docs) {
            assertThat(doc.node().path("apiVersion").asText()).as(doc + " apiVersion").isNotBlank();
            assertThat(doc.kind()).as(doc + " kind").isNotBlank();
            if (!doc.kind().equals("Kustomization")) {
                assertThat(doc.name()).as(doc + " metadata.name").isNotBlank();
            }
        }
    }

    @Test
    void theKustomizationNamesFilesThatExistAndEveryManifestIsNamed() throws IOException {
        Path dir = RepoFiles.root().resolve(DIR);
        Set<String> resources = new TreeSet<>(RepoFiles.texts(kustomization.path("resources")));
        for (String resource : resources) {
            assertThat(dir.resolve(resource)).as("kustomization resource " + resource).isRegularFile();
        }
        for (JsonNode generator : kustomization.path("configMapGenerator")) {
            for (String field : List.of("envs", "files")) {
                for (String file : RepoFiles.texts(generator.path(field))) {
                    assertThat(dir.resolve(file.replaceFirst("^[^=]*=", ""))).as("configMapGenerator " + file)
                            .isRegularFile();
                }
            }
        }
        Set<String> manifests = new TreeSet<>();
        docs.stream().map(Doc::file).filter(f -> !f.equals("kustomization.yaml")).forEach(manifests::add);
        assertThat(resources).as("every manifest in " + DIR + " is listed in kustomization.yaml")
                .containsAll(manifests);
        assertThat(kustomization.path("namespace").asText()).isEqualTo("minilab");
    }

    @Test
    void everyImageIsPinnedToAnExplicitVersionAndTheKustomizationPinsTheMiniLabImage() {
        for (Doc doc : workloads()) {
            for (JsonNode container : containers(doc)) {
                String image = container.path("image").asText();
                assertThat(image).as(doc + " " + container.path("name").asText() + " image")
                        .matches("[a-z0-9./:-]+:[A-Za-z0-9._-]+(@sha256:[0-9a-f]{64})?|[a-z0-9./:-]+@sha256:[0-9a-f]{64}")
                        .doesNotEndWith(":latest");
            }
        }
        JsonNode images = kustomization.path("images");
        assertThat(images.size()).as("kustomization images").isPositive();
        for (JsonNode image : images) {
            String tag = image.path("newTag").asText();
            String digest = image.path("digest").asText();
            assertThat(tag.isEmpty() && digest.isEmpty()).as("image " + image.path("name") + " has a tag or digest")
                    .isFalse();
            assertThat(tag).as("image " + image.path("name") + " tag").isNotEqualToIgnoringCase("latest");
            if (!digest.isEmpty()) {
                assertThat(digest).matches("sha256:[0-9a-f]{64}");
            }
        }
        assertThat(images.findValuesAsText("name")).contains("minilab");
    }

    @Test
    void noSecretHoldsAValueAndNoSecretSettingIsALiteral() {
        assertThat(docs).filteredOn(d -> d.kind().equals("Secret"))
                .allSatisfy(d -> assertThat(d.node().has("data") || d.node().has("stringData"))
                        .as(d + " holds data").isFalse());
        assertThat(kustomization.has("secretGenerator")).as("a secretGenerator in the kustomization (Secrets are "
                + "created by the commands of docs/DEPLOY.md, never from the repository)").isFalse();
        for (Doc doc : workloads()) {
            for (JsonNode container : containers(doc)) {
                for (JsonNode env : container.path("env")) {
                    String name = env.path("name").asText();
                    // a secret setting is a file under /run/minilab (mounted from a Secret) or comes from a Secret
                    if (env.has("value") && env.path("value").asText().startsWith("/run/minilab/")) {
                        continue;
                    }
                    if (SECRET_NAME.matcher(name).matches()) {
                        assertThat(env.has("value")).as(doc + " env " + name + " is a literal").isFalse();
                        assertThat(env.path("valueFrom").has("secretKeyRef")).as(doc + " env " + name
                                + " comes from a Secret").isTrue();
                    }
                }
            }
        }
        String settings = RepoFiles.read(DIR + "/settings.env");
        assertThat(settings.lines().filter(l -> !l.startsWith("#") && l.contains("="))
                .map(l -> l.substring(0, l.indexOf('='))))
                .as("settings.env (a ConfigMap) names no secret").noneMatch(n -> SECRET_NAME.matcher(n).matches());
    }

    @Test
    void everyContainerHasResourcesAndEveryAgentHasHealthProbes() {
        for (Doc doc : workloads()) {
            for (JsonNode container : containers(doc)) {
                JsonNode resources = container.path("resources");
                String what = doc + " container " + container.path("name").asText();
                assertThat(resources.path("requests").path("cpu").asText()).as(what + " cpu request").isNotEmpty();
                assertThat(resources.path("requests").path("memory").asText()).as(what + " memory request")
                        .isNotEmpty();
                assertThat(resources.path("limits").path("memory").asText()).as(what + " memory limit").isNotEmpty();
            }
            boolean exempt = doc.node().path("metadata").path("annotations").has("minilab.dev/no-probes");
            for (JsonNode container : doc.node().at("/spec/template/spec/containers")) {
                if (!exempt) {
                    for (String probe : List.of("livenessProbe", "readinessProbe", "startupProbe")) {
                        assertThat(container.path(probe).at("/exec/command").toString()).as(doc + " " + probe)
                                .isEqualTo("[\"/usr/local/bin/minilab-entrypoint\",\"health\"]");
                    }
                }
            }
        }
        for (String agent : AGENTS.keySet()) {
            Doc doc = workload(agent);
            assertThat(doc.node().path("metadata").path("annotations").has("minilab.dev/no-probes")).isFalse();
            JsonNode agentContainer = doc.node().at("/spec/template/spec/containers/0");
            assertThat(bytes(agentContainer.at("/resources/requests/memory").asText()))
                    .as(agent + " memory request covers the measured peak RSS").isGreaterThanOrEqualTo(MEASURED_PEAK_RSS);
            assertThat(bytes(agentContainer.at("/resources/limits/memory").asText()))
                    .isGreaterThan(bytes(agentContainer.at("/resources/requests/memory").asText()));
        }
        // the health file the probes read is the one the image's agent writes
        assertThat(RepoFiles.read("Dockerfile")).contains("MINILAB_HEALTH_FILE=/tmp/minilab-health");
        assertThat(RepoFiles.read("docker/minilab-entrypoint.sh")).contains("  health)");
    }

    @Test
    void oneDeploymentPerAgentWithOneReplicaItsOwnRedisUserAndItsOwnSecret() {
        for (Map.Entry<String, String> agent : AGENTS.entrySet()) {
            Doc doc = workload(agent.getKey());
            String role = agent.getValue();
            assertThat(doc.kind()).isEqualTo("Deployment");
            assertThat(doc.node().at("/spec/replicas").asInt()).as(doc + " replicas").isEqualTo(1);
            JsonNode container = doc.node().at("/spec/template/spec/containers/0");
            assertThat(env(container, "AGENT_ROLE")).isEqualTo(role);
            assertThat(env(container, "REDIS_USERNAME")).isEqualTo(role.toLowerCase(Locale.ROOT));
            assertThat(env(container, "MINILAB_PRIVATE_KEY")).isEqualTo("/run/minilab/key/" + role + ".pem");
            String secret = "minilab-" + role.toLowerCase(Locale.ROOT).replace('_', '-');
            assertThat(doc.node().at("/spec/template/spec/volumes").findValuesAsText("secretName"))
                    .as(doc + " mounts its own Secret and no other role's").contains(secret)
                    .allMatch(s -> s.equals(secret) || s.equals("minilab-ssh"));
            assertThat(doc.node().at("/spec/template/spec/volumes").findValuesAsText("secretName")
                    .contains("minilab-ssh")).as(doc + " holds the SSH key")
                    .isEqualTo(Set.of("agent-devops", "agent-qa").contains(agent.getKey()));
        }
        Doc console = workload("user-console");
        JsonNode container = console.node().at("/spec/template/spec/containers/0");
        assertThat(container.path("stdin").asBoolean() && container.path("tty").asBoolean())
                .as("the console is attachable (kubectl attach -it)").isTrue();
        assertThat(env(container, "REDIS_USERNAME")).isEqualTo("user");
        assertThat(console.node().at("/spec/replicas").asInt()).isEqualTo(1);
    }

    @Test
    void podsRunAsTheComposeContainersRunNonRootWithoutCapabilitiesAndTheBwrapSeccompProfile() {
        for (Doc doc : workloads()) {
            JsonNode pod = doc.node().at("/spec/template/spec");
            assertThat(pod.at("/securityContext/runAsNonRoot").asBoolean()).as(doc + " runAsNonRoot").isTrue();
            assertThat(pod.at("/securityContext/runAsUser").asInt()).as(doc + " runAsUser").isEqualTo(1000);
            assertThat(pod.path("automountServiceAccountToken").asBoolean(true)).as(doc + " service account token")
                    .isFalse();
            for (JsonNode container : containers(doc)) {
                String what = doc + " " + container.path("name").asText();
                assertThat(container.at("/securityContext/allowPrivilegeEscalation").asBoolean(true)).as(what)
                        .isFalse();
                assertThat(RepoFiles.texts(container.at("/securityContext/capabilities/drop"))).as(what)
                        .containsExactly("ALL");
                assertThat(container.at("/securityContext/privileged").asBoolean(false)).as(what).isFalse();
            }
            String name = doc.name();
            JsonNode seccomp = pod.at("/securityContext/seccompProfile");
            if (SANDBOXED.contains(name)) {
                assertThat(seccomp.path("type").asText()).as(doc + " seccomp").isEqualTo("Localhost");
                assertThat(seccomp.path("localhostProfile").asText()).isEqualTo("profiles/minilab-seccomp-bwrap.json");
                assertThat(pod.path("hostUsers").asBoolean(true)).as(doc + " hostUsers (procMount Unmasked needs "
                        + "user namespaces)").isFalse();
                assertThat(pod.at("/containers/0/securityContext/procMount").asText()).isEqualTo("Unmasked");
            } else {
                assertThat(seccomp.path("type").asText()).as(doc + " seccomp").isEqualTo("RuntimeDefault");
                assertThat(pod.at("/containers/0/securityContext/procMount").asText("Default")).isEqualTo("Default");
            }
        }
        // the profile the nodes need is the one the compose file uses, committed
        assertThat(RepoFiles.root().resolve("docker/seccomp-bwrap.json")).isRegularFile();
        assertThat(RepoFiles.read("docker-compose.yml")).contains("seccomp=${MINILAB_SECCOMP_PROFILE:-./docker/seccomp-bwrap.json}");
    }

    @Test
    void theNetworkPolicyDeniesEverythingByDefaultAndLetsAgentsOutOnlyToRedisTheLlmAndTheManagedHosts() {
        List<Doc> policies = docs.stream().filter(d -> d.kind().equals("NetworkPolicy")).toList();
        assertThat(policies).isNotEmpty();
        Doc deny = policies.stream().filter(p -> p.node().at("/spec/podSelector").isEmpty()).findFirst()
                .orElseThrow(() -> new AssertionError("no NetworkPolicy selects every pod (default deny)"));
        assertThat(RepoFiles.texts(deny.node().at("/spec/policyTypes"))).containsExactlyInAnyOrder("Ingress", "Egress");
        assertThat(deny.node().at("/spec").has("ingress") || deny.node().at("/spec").has("egress")).isFalse();
        for (Doc policy : policies) {
            assertThat(policy.node().at("/spec").has("ingress")).as(policy + " lets nothing in").isFalse();
            for (JsonNode rule : policy.node().at("/spec/egress")) {
                assertThat(rule.path("to").size()).as(policy + " egress names its destinations").isPositive();
                assertThat(rule.path("ports").size()).as(policy + " egress names its ports").isPositive();
                for (JsonNode to : rule.path("to")) {
                    assertThat(to.at("/ipBlock/cidr").asText()).as(policy + " no egress to everywhere")
                            .isNotIn("0.0.0.0/0", "::/0");
                }
            }
        }
        Set<Integer> agentPorts = new TreeSet<>();
        policies.stream().filter(p -> !p.node().at("/spec/podSelector").isEmpty())
                .forEach(p -> p.node().at("/spec/egress").forEach(r -> r.path("ports")
                        .forEach(port -> agentPorts.add(port.path("port").asInt()))));
        // DNS, Redis (plain, TLS, Sentinel), the LLM (HTTPS), SSH and the Proxmox API: nothing else
        assertThat(agentPorts).containsExactlyInAnyOrder(53, 6379, 6380, 26379, 443, 22, 8006);
    }

    private static List<Doc> workloads() {
        List<Doc> workloads = docs.stream().filter(d -> Set.of("Deployment", "StatefulSet", "Pod", "Job")
                .contains(d.kind())).toList();
        assertThat(workloads).extracting(Doc::name).containsAll(AGENTS.keySet()).contains("user-console");
        return workloads;
    }

    private static Doc workload(String name) {
        return workloads().stream().filter(d -> d.name().equals(name)).findFirst()
                .orElseThrow(() -> new AssertionError("no workload " + name + " in " + DIR));
    }

    private static List<JsonNode> containers(Doc doc) {
        JsonNode pod = doc.kind().equals("Pod") ? doc.node().path("spec") : doc.node().at("/spec/template/spec");
        List<JsonNode> out = new ArrayList<>();
        pod.path("initContainers").forEach(out::add);
        pod.path("containers").forEach(out::add);
        assertThat(out).as(doc + " containers").isNotEmpty();
        return out;
    }

    private static String env(JsonNode container, String name) {
        for (JsonNode env : container.path("env")) {
            if (env.path("name").asText().equals(name)) {
                return env.path("value").asText();
            }
        }
        throw new AssertionError("no env " + name + " in " + container.path("name").asText());
    }

    /** A Kubernetes quantity of memory (Mi, Gi, M, G or bytes) in bytes. */
    private static long bytes(String quantity) {
        var m = Pattern.compile("([0-9]+)(Ki|Mi|Gi|K|M|G)?").matcher(quantity);
        assertThat(m.matches()).as("memory quantity " + quantity).isTrue();
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2) == null ? "" : m.group(2)) {
            case "Ki" -> n << 10;
            case "Mi" -> n << 20;
            case "Gi" -> n << 30;
            case "K" -> n * 1000;
            case "M" -> n * 1000_000;
            case "G" -> n * 1000_000_000;
            default -> n;
        };
    }
}
