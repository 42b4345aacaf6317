package dev.minilab.containers;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.containers.podman.ComposeStack;
import dev.minilab.containers.podman.Podman;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What the container test uses to show that a tool call inside the DevOps container runs in bubblewrap under the
 * committed seccomp profile: the probe, the scripted turns that make DevOps_Builder run it through {@code run_shell},
 * and the check of the seccomp filter podman handed to runc.
 */
final class SandboxProbe {

    /**
     * Prints {@code get_mempolicy: <return> <errno>}. {@code get_mempolicy} (x86_64 syscall 239) is refused by
     * Docker's default profile (so by docker/seccomp-bwrap.json: {@code -1 1}, EPERM) and allowed by podman's
     * default profile ({@code 0 0}): the answer tells which profile the kernel applies.
     */
    static final String PROBE = "import ctypes; l = ctypes.CDLL(None, use_errno=True); "
            + "r = l.syscall(239, 0, 0, 0, 0, 0); print('get_mempolicy:', r, ctypes.get_errno())";
    /** Refused by Docker's default profile to a container without these capabilities; none may be allowed. */
    static final List<String> DANGEROUS = List.of("kexec_load", "kexec_file_load", "init_module", "finit_module",
            "delete_module", "bpf", "open_by_handle_at", "setns", "keyctl", "add_key", "request_key", "reboot",
            "swapon", "swapoff", "perf_event_open", "fsopen", "fsmount", "move_mount", "open_tree", "mount_setattr");
    static final Set<String> FOR_BWRAP = Set.of("clone", "unshare", "mount", "umount2", "pivot_root");
    static final String REQUEST = "please probe the tool sandbox";
    static final String DONE = "sandbox probe finished";

    /** The run_shell command: what the tool process sees of PID 1, other processes, seccomp, and /run/minilab. */
    static final String COMMAND = "echo \"pid1=$(cat /proc/1/comm)\"; "
            + "echo \"visible=$(cat /proc/[0-9]*/comm | sort -u | tr '\\n' ',')\"; "
            + "grep '^Seccomp:' /proc/self/status; "
            + "python3 -c \"" + PROBE + "\"; "
            + "test -e /run/minilab; echo \"run-minilab-exists=$?\"";

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration TIMEOUT = Duration.ofMinutes(2);

    private SandboxProbe() {
    }

    /** Architect_Zero asks DevOps_Builder to run {@link #COMMAND}; DevOps_Builder reports; Architect_Zero finishes. */
    static void script(ScriptedLlmServer llm) {
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("[User]: " + REQUEST))
                .reply(Reply.text("@DevOps_Builder please run the sandbox probe"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").lastMessageContains("run the sandbox probe"))
                .reply(Reply.toolCall("run_shell", json(Map.of("command", COMMAND))));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").lastMessageContains("get_mempolicy"))
                .reply(Reply.text("@Architect_Zero sandbox probe done"));
        llm.when(Rule.forRole("Architect_Zero").lastMessageContains("sandbox probe done"))
                .reply(Reply.toolCall("finish_task", json(Map.of("summary", DONE))));
    }

    /**
     * Checks, before any tool call: the three agents that run tools report {@code "sandbox":"bwrap"} in their
     * heartbeat (key {@code agent_status:<Role>}); podman got the committed profile for agent-devops and runc the filter
     * made from it ({@link #assertFilterComesFrom}); the container's PID 1 runs under a seccomp filter; and the kernel
     * refuses {@link #PROBE} there, while the same image under podman's default profile may call it (the control).
     */
    static void assertContainersConfined(Podman podman, ComposeStack stack, Map<String, String> roles,
                                         String consolePassword, Path committed, Path used, String image, String uid)
            throws IOException {
        for (String service : List.of("agent-devops", "agent-security", "agent-qa")) {
            // Read as the console's ACL user (Redis loads the keys one-shot's ACL file; the default user is off).
            String heartbeat = podman.ok(TIMEOUT, "exec", "--env", "REDISCLI_AUTH=" + consolePassword,
                    stack.container("redis-broker"), "redis-cli", "--no-auth-warning", "--user", "user", "GET",
                    "agent_status:" + roles.get(service)).stdout().strip();
            assertThat(JSON.readTree(heartbeat).path("sandbox").asText()).as(service + " heartbeat " + heartbeat)
                    .isEqualTo("bwrap");
        }
        assertThat(used).hasSameBinaryContentAs(committed);
        assertThat(stack.inspect("agent-devops", "{{.HostConfig.SecurityOpt}}")).contains("seccomp=" + used);
        JsonNode applied = JSON.readTree(Path.of(stack.inspect("agent-devops", "{{.OCIConfigPath}}")).toFile());
        assertFilterComesFrom(applied.path("linux").path("seccomp"), JSON.readTree(committed.toFile()));
        String pid = stack.inspect("agent-devops", "{{.State.Pid}}");
        assertThat(Files.readAllLines(Path.of("/proc", pid, "status"))).as("seccomp mode of the container's PID 1")
                .contains("Seccomp:\t2");
        assertThat(podman.ok(TIMEOUT, "exec", stack.container("agent-devops"), "python3", "-c", PROBE).stdout())
                .as("the probe in agent-devops").contains("get_mempolicy: -1 1");
        assertThat(podman.ok(TIMEOUT, "run", "--rm", "--pull=never", "--network", "none", "--user", uid,
                "--entrypoint", "python3", image, "-c", PROBE).stdout())
                .as("control: the same image under podman's default profile").contains("get_mempolicy: 0 0");
    }

    /**
     * Checks the run_shell result of {@link #COMMAND}: PID 1 of the tool's world is bubblewrap, the agent's JVM and
     * tini are not visible, the tool runs under a seccomp filter that refuses the probe as Docker's profile does,
     * {@code /run/minilab} (the signing and SSH keys) is absent, and the call succeeded.
     */
    static void assertRanConfined(String output) {
        assertThat(output).as("run_shell output in the container").contains("pid1=bwrap")
                .containsPattern("Seccomp:\\s+2").contains("get_mempolicy: -1 1").contains("run-minilab-exists=1")
                .containsPattern("exit_code: 0");
        Matcher visible = Pattern.compile("visible=(\\S*)").matcher(output);
        assertThat(visible.find()).as(output).isTrue();
        assertThat(visible.group(1).split(",")).as("processes the tool sees").contains("bwrap")
                .doesNotContain("java", "tini");
    }

    /** The run_shell result DevOps_Builder got for the probe, as the model saw it. */
    static Optional<String> toolOutput(ScriptedLlmServer llm) {
        return llm.requestsFor("DevOps_Builder").stream().map(RecordedRequest::lastMessage)
                .filter(m -> "tool".equals(m.role()) && m.content() != null && m.content().contains("get_mempolicy"))
                .map(RecordedRequest.Message::content).findFirst();
    }

    /**
     * Checks the {@code linux.seccomp} section of the container's OCI config (what runc loads into the kernel) against
     * the committed profile: the rule for bubblewrap is there, every allowed syscall is one the committed profile
     * allows, and none of {@link #DANGEROUS} is allowed.
     */
    static void assertFilterComesFrom(JsonNode ociSeccomp, JsonNode committedProfile) {
        assertThat(ociSeccomp.path("defaultAction").asText()).isEqualTo("SCMP_ACT_ERRNO");
        Set<String> committedAllows = allowedNames(committedProfile);
        Set<String> applied = allowedNames(ociSeccomp);
        boolean bwrapRule = false;
        for (JsonNode rule : ociSeccomp.path("syscalls")) {
            Set<String> names = new HashSet<>();
            rule.path("names").forEach(n -> names.add(n.asText()));
            if (names.equals(FOR_BWRAP) && rule.path("action").asText().equals("SCMP_ACT_ALLOW")
                    && rule.path("args").isEmpty()) {
                bwrapRule = true;
            }
        }
        assertThat(bwrapRule).as("the applied filter has the committed rule allowing %s", FOR_BWRAP).isTrue();
        assertThat(committedAllows).as("every syscall the applied filter allows is allowed by the committed profile")
                .containsAll(applied);
        assertThat(applied).as("the applied filter allows the dangerous syscalls").doesNotContainAnyElementsOf(DANGEROUS);
    }

    private static Set<String> allowedNames(JsonNode profile) {
        Set<String> out = new HashSet<>();
        for (JsonNode rule : profile.path("syscalls")) {
            if (rule.path("action").asText().equals("SCMP_ACT_ALLOW")) {
                rule.path("names").forEach(n -> out.add(n.asText()));
            }
        }
        return out;
    }

    private static String json(Map<String, String> arguments) {
        try {
            return JSON.writeValueAsString(arguments);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
