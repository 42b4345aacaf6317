package dev.minilab.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.containers.compose.ComposeFile;
import dev.minilab.containers.compose.ComposeService;
import dev.minilab.containers.compose.PodmanRunArgs;
import dev.minilab.containers.podman.ComposeStack;
import dev.minilab.containers.podman.LocalImages;
import dev.minilab.containers.podman.Podman;
import dev.minilab.containers.podman.PodmanEnvironment;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TmuxTerminal;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The MiniLab image built from the real Dockerfile and the stack started as docker-compose.yml wires it, with
 * Podman: Redis (a local stand-in image), the {@code keys} one-shot, the four agents and the console, each with the
 * environment, mounts, user, command and healthcheck read from the compose file by {@link ComposeFile}, on one
 * network with the scripted LLM server on the network's gateway. Skipped with a message where Podman cannot run
 * ({@link PodmanEnvironment#whyUnusable}); {@code MINILAB_CONTAINER_TEST=required} turns that skip into a failure.
 * What differs from a user's {@code docker compose up}: docs/DOCKER.md, "What the container test covers".
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ComposeStackIT {

    private static final Map<String, String> AGENTS = Map.of(
            "agent-architect", "Architect_Zero",
            "agent-devops", "DevOps_Builder",
            "agent-security", "Security_Sentinel",
            "agent-qa", "QA_Tester");
    private static final Map<String, String> SIGNERS = signers();
    private static final Duration STARTUP = Duration.ofMinutes(4);
    private static final Duration TURN = Duration.ofMinutes(2);
    private static final Duration DOCKER_DEFAULT_GRACE = Duration.ofSeconds(10);
    /** The console's first line once subscribed: {@code MiniLab console (mode normal): connected to Redis at ...}. */
    private static final Pattern CONSOLE_CONNECTED = Pattern.compile("MiniLab console \\(mode [a-z-]+\\): connected to Redis at");

    private final Path repo = repositoryRoot();
    private final Path work = repo.resolve("container-tests/target/container-test");
    private final Path logs = work.resolve("logs");
    private final Map<String, Duration> timings = new LinkedHashMap<>();

    private FileLock lock;
    private Podman podman;
    private PodmanEnvironment environment;
    private ProjectFolder project;
    private ComposeFile compose;
    private ComposeStack stack;
    private ScriptedLlmServer llm;
    private TmuxTerminal console;
    private String uid;

    @BeforeAll
    void buildTheImagesAndStartTheStack() throws IOException {
        Optional<String> unusable = PodmanEnvironment.whyUnusable(System.getenv());
        if (unusable.isPresent()) {
            String message = "ComposeStackIT skipped: " + unusable.get();
            System.out.println(message);
            if ("required".equalsIgnoreCase(System.getenv(PodmanEnvironment.MODE_VARIABLE))) {
                Assertions.fail(message + " (" + PodmanEnvironment.MODE_VARIABLE + "=required)");
            }
            Assumptions.abort(message);
        }
        long begin = System.nanoTime();
        environment = PodmanEnvironment.prepare(System.getenv());
        lock = environment.lock(Duration.ofMinutes(30));
        ProjectFolder.deleteRecursively(logs);
        Files.createDirectories(logs);
        podman = environment.podman(logs.resolve("podman-commands.log"));
        LocalImages images = new LocalImages(environment, podman, logs);

        // The compose file as a user runs it: .env first (no local-llm profile: the scripted LLM stands in).
        ComposeFile raw = ComposeFile.load(repo.resolve("docker-compose.yml"), work.resolve("project"), Map.of(
                "REDIS_PASSWORD", "unused-for-reading-build-args"));
        ComposeService.Build build = raw.service("agent-devops").build().orElseThrow();
        uid = build.args().get("MINILAB_UID");
        project = ProjectFolder.create(work.resolve("project"), repo, uid, build.args().get("MINILAB_GID"));
        Map<String, String> dotEnv = new LinkedHashMap<>();
        // No REDIS_PASSWORD: Redis loads the keys one-shot's ACL file and every container logs in as its own user.
        dotEnv.put("OPENAI_API_KEY", "sk-" + "container-test-not-a-real-key");
        dotEnv.put("LLM_MODEL", ScriptedLlmServer.DEFAULT_MODEL);
        dotEnv.put("LLM_MAX_RETRIES", "0");
        dotEnv.put("COMPOSE_PROFILES", "");
        project.writeDotEnv(dotEnv);
        compose = load();

        LocalImages.BaseImages base = timed("base images (docker/offline-base.sh)",
                () -> images.baseImages(repo, jdk()));
        String redis = timed("Redis stand-in image", () -> images.redisStandIn(base));
        timed("MiniLab image (podman build of ./Dockerfile)", () -> {
            images.minilab(compose.service("agent-devops").image(), build, base,
                    LocalImages.terraformOnPath(System.getenv()),
                    LocalImages.JarsSource.fromProperty(System.getProperty("minilab.container.jars")));
            return null;
        });

        PodmanRunArgs.Settings settings = new PodmanRunArgs.Settings(compose.projectName(),
                compose.projectName() + "_default", environment.ulimits(), Map.of("redis", redis));
        stack = new ComposeStack(podman, compose, settings, logs, STARTUP);
        stack.removeLeftovers();
        String gateway = stack.createNetwork();
        timed("redis-broker and keys up", () -> {
            stack.up(List.of("redis-broker", "keys"));
            return null;
        });
        // The bridge exists now; the scripted LLM listens on its host side only, and .env points the agents at it.
        llm = ScriptedLlmServer.start(InetAddress.getByName(gateway));
        script(llm);
        SandboxProbe.script(llm);
        dotEnv.put("OPENAI_API_BASE", llm.baseUrl());
        project.writeDotEnv(dotEnv);
        compose = load();
        stack.reload(compose);
        timed("agents and console up", () -> {
            stack.up(compose.enabledServices().stream().map(ComposeService::name).toList());
            return null;
        });
        Files.writeString(logs.resolve("podman-run-commands.txt"), String.join("\n", stack.runCommands()) + "\n");
        timed("stack ready (agents healthy, console connected)", () -> {
            awaitAgentsHealthy();
            String consoleName = stack.container("user-console");
            await("user-console running and connected to Redis").atMost(STARTUP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> "running".equals(stack.inspect("user-console", "{{.State.Status}}"))
                            && CONSOLE_CONNECTED.matcher(stack.logsOf(consoleName)).find());
            return null;
        });
        reportRestarts();
        timings.put("set-up total", Duration.ofNanos(System.nanoTime() - begin));
    }

    /**
     * Prints which containers the restart policy ({@code restart: unless-stopped}) had to restart during start-up,
     * with what they printed: on a heavily loaded machine a process can fail its first Redis connection (10 s
     * timeout) and exit; Compose's restart policy brings it back, as it would for a user.
     */
    private void reportRestarts() {
        for (String service : SIGNERS.keySet()) {
            String count = stack.inspect(service, "{{.RestartCount}}");
            if (!"0".equals(count)) {
                System.out.println("container test: " + service + " was restarted " + count + " time(s) by its restart "
                        + "policy during start-up; its log:\n" + stack.logsOf(stack.container(service)));
                timings.put("restarts of " + service + " during start-up: " + count, Duration.ZERO);
            }
        }
    }

    @AfterAll
    void stopTheStack() throws IOException {
        if (console != null) {
            Files.writeString(logs.resolve("console-screen.txt"), console.text(), StandardCharsets.UTF_8);
            console.close();
        }
        if (stack != null) {
            stack.close();
        }
        if (llm != null) {
            llm.close();
        }
        if (!timings.isEmpty()) {
            StringBuilder text = new StringBuilder();
            timings.forEach((step, took) -> text.append(String.format("%-50s %7.1f s%n", step, took.toMillis() / 1000.0)));
            System.out.print("container test timings:\n" + text);
            Files.writeString(logs.resolve("timings.txt"), text.toString(), StandardCharsets.UTF_8);
        }
        if (lock != null) {
            lock.channel().close();
        }
    }

    @Test
    @Order(1)
    void theImageHasTerraformAnsibleAndSshOnThePath() throws IOException {
        String devops = stack.container("agent-devops");
        String found = podman.ok(Duration.ofSeconds(60), "exec", devops, "sh", "-c",
                "command -v terraform && command -v ansible-playbook && command -v ssh").stdout();
        assertThat(found.lines()).hasSize(3);
        Matcher pinned = Pattern.compile("(?m)^ARG TERRAFORM_VERSION=(\\S+)$")
                .matcher(Files.readString(repo.resolve("Dockerfile")));
        assertThat(pinned.find()).as("Dockerfile pins TERRAFORM_VERSION").isTrue();
        assertThat(podman.ok(Duration.ofSeconds(60), "exec", devops, "terraform", "version").stdout())
                .startsWith("Terraform v" + pinned.group(1));
        assertThat(podman.ok(Duration.ofSeconds(60), "exec", devops, "ansible-playbook", "--version").stdout())
                .contains("ansible-playbook [core ");
        Podman.Result ssh = podman.ok(Duration.ofSeconds(60), "exec", devops, "ssh", "-V");
        assertThat(ssh.stdout() + ssh.stderr()).contains("OpenSSH");
    }

    @Test
    @Order(2)
    void theKeysOneShotCreatedEveryPairAndEachContainerSeesOnlyItsOwnPrivateKey() throws IOException {
        assertThat(stack.inspect("keys", "{{.State.ExitCode}}")).isEqualTo("0");
        Path keys = project.resolve("keys");
        for (String sender : SIGNERS.values()) {
            Path privateKey = keys.resolve("private").resolve(sender).resolve(sender + ".pem");
            assertThat(privateKey).exists();
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(privateKey))).isEqualTo("rw-------");
            assertThat(Files.getAttribute(privateKey, "unix:uid")).as(sender + " key owner").hasToString(uid);
            assertThat(keys.resolve("public").resolve(sender + ".pub")).exists();
        }
        String privateKeys = project.resolve("keys/private").toString();
        SIGNERS.forEach((service, sender) -> {
            // The mounts from keys/private: only the container's own folder.
            List<String> keyMounts = stack.inspect(service, "{{range .Mounts}}{{.Source}}\n{{end}}").lines()
                    .filter(source -> source.startsWith(privateKeys)).toList();
            assertThat(keyMounts).as(service + " mounts from keys/private").containsExactly(privateKeys + "/" + sender);
            // ...and of the Redis passwords only its own.
            String redisKeys = project.resolve("keys/redis").toString();
            assertThat(stack.inspect(service, "{{range .Mounts}}{{.Source}}\n{{end}}").lines()
                    .filter(source -> source.startsWith(redisKeys)).toList()).as(service + " mounts from keys/redis")
                    .containsExactly(redisKeys + "/" + sender + ".password");
            // Every file with a private key in it that the container's user can read anywhere (/proc, /sys left out).
            String found = podman.run(Duration.ofSeconds(120), List.of("exec", stack.container(service), "find", "/",
                    "(", "-path", "/proc", "-o", "-path", "/sys", ")", "-prune", "-o", "-type", "f", "(", "-name",
                    "*.pem", "-o", "-name", "*.key", "-o", "-name", "id_*", ")", "-exec", "grep", "-l",
                    "PRIVATE KEY-----", "{}", "+")).stdout();
            assertThat(found.lines().toList()).as(service + " can read these private keys")
                    .containsExactly("/run/minilab/key/" + sender + ".pem");
        });
    }

    @Test
    @Order(3)
    void everyProcessInTheAgentAndConsoleContainersRunsAsTheNonRootUser() throws IOException {
        for (String service : SIGNERS.keySet()) {
            String top = podman.ok(Duration.ofSeconds(60), "top", stack.container(service), "hpid", "user", "args")
                    .stdout();
            List<String> rows = top.lines().skip(1).filter(l -> !l.isBlank()).toList();
            assertThat(rows).as(service + " processes:\n" + top).hasSizeGreaterThanOrEqualTo(2)
                    .anyMatch(r -> r.contains("tini")).anyMatch(r -> r.contains("java"));
            for (String row : rows) {
                String[] columns = row.trim().split("\\s+");
                assertThat(columns[1]).as(service + ": " + row).isEqualTo("minilab");
                // On the host: real, effective, saved and filesystem uid of the process are all the image's uid.
                String uids = Files.readAllLines(Path.of("/proc", columns[0], "status")).stream()
                        .filter(l -> l.startsWith("Uid:")).findFirst().orElseThrow();
                assertThat(uids.substring(4).trim().split("\\s+")).as(service + " " + uids + ": " + row)
                        .containsOnly(uid);
            }
        }
    }

    @Test
    @Order(4)
    void theComposeHealthcheckReportsEachAgentHealthy() {
        for (String service : AGENTS.keySet()) {
            assertThat(stack.inspect(service, "{{json .Config.Healthcheck.Test}}")).as(service + " healthcheck")
                    .isEqualTo("[\"CMD\",\"/usr/local/bin/minilab-entrypoint\",\"health\"]");
            await(service + " healthy").atMost(STARTUP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stack.healthy(service));
            assertThat(stack.inspect(service, "{{.State.Health.Status}}")).as(service).isEqualTo("healthy");
        }
    }

    @Test
    @Order(5)
    void aRequestTypedIntoTheConsoleGetsTheTeamsAnswerAndTheFileLandsInGeneratedIac() throws IOException {
        awaitAgentsHealthy();
        console = TmuxTerminal.start(logs, podman.environment(),
                List.of("podman", "attach", stack.container("user-console")), 200, 50);

        console.type("please write the lab motd");

        console.awaitText("motd.txt is written in generated_iac/config", TURN);
        Path motd = project.resolve("generated_iac/config/motd.txt");
        assertThat(motd).hasContent("Welcome to the container lab\n");
        assertThat(Files.getAttribute(motd, "unix:uid")).as("written by the agent's uid").hasToString(uid);
        assertThat(console.joinedText()).contains("[Architect_Zero] @DevOps_Builder please write generated_iac/config/motd.txt");
        assertThat(llm.requests()).extracting(RecordedRequest::role)
                .containsExactly("Architect_Zero", "DevOps_Builder", "DevOps_Builder", "Architect_Zero");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    @Order(6)
    void podmanStopEndsAnAgentWithinItsGracePeriodAndTheRestartedAgentResumes() {
        awaitAgentsHealthy();
        if (console == null) {
            console = TmuxTerminal.start(logs, podman.environment(),
                List.of("podman", "attach", stack.container("user-console")), 200, 50);
        }
        String devops = stack.container("agent-devops");
        Duration grace = compose.service("agent-devops").stopGracePeriod().orElse(DOCKER_DEFAULT_GRACE);

        long start = System.nanoTime();
        podman.ok(grace.plusSeconds(60), "stop", devops); // the container's own stop timeout: compose's grace
        Duration took = Duration.ofNanos(System.nanoTime() - start);

        timings.put("podman stop agent-devops", took);
        assertThat(stack.inspect("agent-devops", "{{.State.Status}}")).isEqualTo("exited");
        // Podman sends SIGKILL only when the grace period is over: 143 means the JVM ended on the SIGTERM (forwarded
        // by tini) before that, whatever the load on the machine made the command itself take.
        assertThat(stack.inspect("agent-devops", "{{.State.ExitCode}}"))
                .as("exit code after podman stop (took %d ms, grace %s): 143 = ended on SIGTERM, 137 = killed after "
                        + "the grace period", took.toMillis(), grace)
                .isEqualTo("143");

        // A request for DevOps_Builder while it is down waits in the history...
        console.type("please write the second file");
        console.awaitText("[Architect_Zero] @DevOps_Builder please write generated_iac/config/after-restart.txt", TURN);

        podman.ok(Duration.ofMinutes(1), "start", devops);

        // ...and the restarted agent announces itself, catches up and does it.
        console.awaitScreen("DevOps_Builder's restart announcement with 1 pending message",
                s -> s.contains("DevOps_Builder restarted: resuming after seq") && s.contains("1 pending message"),
                STARTUP);
        console.awaitText("after-restart.txt is written after the restart", TURN);
        assertThat(project.resolve("generated_iac/config/after-restart.txt")).hasContent("written after a restart\n");
        assertThat(llm.unmatchedRequests()).isEmpty();
        assertThat(llm.requestsFor("DevOps_Builder")).as("the first task is not repeated after the restart")
                .filteredOn(r -> r.lastMessage().content() != null
                        && r.lastMessage().content().contains("please write generated_iac/config/motd.txt"))
                .hasSize(1);
    }

    @Test
    @Order(7)
    void aToolCallInTheDevOpsContainerRunsInBubblewrapUnderTheCommittedSeccompProfile() throws IOException {
        awaitAgentsHealthy();
        SandboxProbe.assertContainersConfined(podman, stack, AGENTS,
                Files.readString(project.resolve("keys/redis/User.password")).strip(),
                repo.resolve(ProjectFolder.SECCOMP_PROFILE),
                project.resolve(ProjectFolder.SECCOMP_PROFILE), compose.service("agent-devops").image(), uid);
        if (console == null) {
            console = TmuxTerminal.start(logs, podman.environment(),
                List.of("podman", "attach", stack.container("user-console")), 200, 50);
        }

        console.type(SandboxProbe.REQUEST);

        console.awaitText(SandboxProbe.DONE, TURN);
        String output = SandboxProbe.toolOutput(llm).orElseThrow(() -> new AssertionError(
                "no run_shell result with the probe reached the model; requests: " + llm.requestsFor("DevOps_Builder")));
        Files.writeString(logs.resolve("sandbox-probe.txt"), output, StandardCharsets.UTF_8);
        SandboxProbe.assertRanConfined(output);
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    @Order(8)
    void redisRefusesClientsWithoutTheirAclUserAndAnAgentsUserCannotDeleteTheHistory() throws IOException {
        // Needs Redis only (and the history of the requests above), not every agent up.
        String redis = stack.container("redis-broker");
        assertThat(redisCli(redis, null, null, "PING")).as("PING without logging in").contains("NOAUTH")
                .doesNotContain("PONG");
        assertThat(redisCli(redis, null, null, "AUTH", "default", "any-password")).as("the default user is off")
                .contains("WRONGPASS");
        assertThat(redisCli(redis, null, null, "AUTH", "devops_builder", "not-its-password")).contains("WRONGPASS");

        String devopsPassword = Files.readString(project.resolve("keys/redis/DevOps_Builder.password")).strip();
        assertThat(redisCli(redis, "devops_builder", devopsPassword, "PING")).as("DevOps_Builder's own user")
                .contains("PONG");
        String before = redisCli(redis, "devops_builder", devopsPassword, "LLEN", "chat_history").strip();
        assertThat(before).as("DevOps_Builder reads the history").matches("\\d+");
        assertThat(Long.parseLong(before)).as("the team's earlier requests are in the history").isPositive();
        assertThat(redisCli(redis, "devops_builder", devopsPassword, "DEL", "chat_history")).contains("NOPERM");
        assertThat(redisCli(redis, "devops_builder", devopsPassword, "LTRIM", "chat_history", "0", "0"))
                .contains("NOPERM");
        assertThat(redisCli(redis, "devops_builder", devopsPassword, "LLEN", "chat_history").strip())
                .as("the history is untouched").isEqualTo(before);
    }

    /** redis-cli in the Redis container, logged in as {@code user} (none when null); stdout and stderr. */
    private String redisCli(String container, String user, String password, String... command) {
        List<String> args = new java.util.ArrayList<>(List.of("exec"));
        if (password != null) {
            args.addAll(List.of("--env", "REDISCLI_AUTH=" + password));
        }
        args.addAll(List.of(container, "redis-cli", "--no-auth-warning"));
        if (user != null) {
            args.addAll(List.of("--user", user));
        }
        args.addAll(List.of(command));
        Podman.Result result = podman.run(Duration.ofSeconds(60), args);
        return result.stdout() + result.stderr();
    }

    private void awaitAgentsHealthy() {
        for (String service : AGENTS.keySet()) {
            await(service + " healthy").atMost(STARTUP).pollInterval(Duration.ofSeconds(1))
                    .until(() -> stack.healthy(service));
        }
    }

    /** The team's script: one request that DevOps_Builder completes, one it completes after a restart. */
    private static void script(ScriptedLlmServer llm) {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: please write the lab motd"))
                .reply(Reply.text("@DevOps_Builder please write generated_iac/config/motd.txt containing: Welcome to "
                        + "the container lab"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").lastMessageContains("config/motd.txt"))
                .reply(Reply.toolCall("save_file",
                        "{\"path\":\"generated_iac/config/motd.txt\",\"content\":\"Welcome to the container lab\\n\"}"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").lastMessageContains("config/motd.txt"))
                .reply(Reply.text("@Architect_Zero saved generated_iac/config/motd.txt (status OK)"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("saved generated_iac/config/motd.txt"))
                .reply(Reply.toolCall("finish_task", "{\"summary\":\"motd.txt is written in generated_iac/config\"}"));

        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: please write the second file"))
                .reply(Reply.text("@DevOps_Builder please write generated_iac/config/after-restart.txt"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").lastMessageContains("after-restart.txt"))
                .reply(Reply.toolCall("save_file", "{\"path\":\"generated_iac/config/after-restart.txt\","
                        + "\"content\":\"written after a restart\\n\"}"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").lastMessageContains("after-restart.txt"))
                .reply(Reply.text("@Architect_Zero saved generated_iac/config/after-restart.txt (status OK)"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("saved generated_iac/config/after-restart.txt"))
                .reply(Reply.toolCall("finish_task",
                        "{\"summary\":\"after-restart.txt is written after the restart\"}"));
    }

    private ComposeFile load() {
        return ComposeFile.load(repo.resolve("docker-compose.yml"), project.root(),
                ComposeFile.readDotEnv(project.resolve(".env")));
    }

    private Path jdk() {
        String explicit = System.getenv("MINILAB_CONTAINER_JDK");
        return Path.of(explicit != null && !explicit.isBlank() ? explicit : System.getProperty("java.home"));
    }

    private interface Step<T> {
        T run() throws IOException;
    }

    private <T> T timed(String name, Step<T> step) throws IOException {
        long start = System.nanoTime();
        T result = step.run();
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        timings.put(name, took);
        System.out.printf("container test: %s took %.1f s%n", name, took.toMillis() / 1000.0);
        return result;
    }

    private static Map<String, String> signers() {
        Map<String, String> signers = new LinkedHashMap<>(AGENTS);
        signers.put("user-console", "User");
        return Map.copyOf(signers);
    }

    private static Path repositoryRoot() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("docker-compose.yml"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root (mvnw and docker-compose.yml) above "
                + Path.of("").toAbsolutePath());
    }
}
