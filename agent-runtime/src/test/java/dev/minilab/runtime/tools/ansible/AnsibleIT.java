package dev.minilab.runtime.tools.ansible;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.ssh.SshSettings;
import dev.minilab.runtime.tools.toolbox.ToolTimeouts;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.SshExtension;
import dev.minilab.testkit.SshTarget;
import dev.minilab.testkit.UniqueSleep;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** run_ansible: real ansible-playbook against a real sshd started by the test on 127.0.0.1. */
@ExtendWith(SshExtension.class)
class AnsibleIT {

    private static final String OK_PLAYBOOK = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: say hello
                  command: echo hello-from-ansible
                  register: hello
                - name: show it
                  debug:
                    var: hello.stdout
            """;
    private static final String FAILING_PLAYBOOK = """
            - hosts: all
              gather_facts: false
              tasks:
                - name: first task works
                  command: "true"
                - name: this one fails
                  command: /bin/false
            """;

    private final SshTarget sshd;

    @TempDir
    Path workspace;
    Path config;
    Tool ansible;

    AnsibleIT(SshTarget sshd) {
        this.sshd = sshd;
    }

    @BeforeEach
    void tool() throws IOException {
        config = Files.createDirectories(workspace.resolve("generated_iac/config"));
        ansible = tool("127.0.0.1");
    }

    private Tool tool(String allowlist) {
        return tool(allowlist, sshd.clientKey(), Duration.ofSeconds(900));
    }

    private Tool tool(String allowlist, Path key, Duration timeout) {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HOME", workspace.resolve("tmp/home").toString()));
        SshSettings ssh = new SshSettings(sshd.user(), key, HostAllowlist.parse(allowlist),
                workspace.resolve("docs/known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30));
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env).withSsh(ssh)
                .withTimeouts(new ToolTimeouts(Duration.ofSeconds(60), Duration.ofSeconds(600), timeout,
                        Duration.ofSeconds(60), Duration.ofSeconds(20)));
        return new Toolbox(settings, Redactor.fromEnv(env)).runAnsible();
    }

    /** True while a process runs {@code command} (Java shows the executable's full path: /usr/bin/sleep 317). */
    private static boolean running(String command) {
        return ProcessHandle.allProcesses().anyMatch(p -> p.info().commandLine().orElse("").endsWith(command));
    }

    private String inventory(String name, String line) throws IOException {
        Files.writeString(config.resolve(name), "[web]\n" + line + "\n");
        return "generated_iac/config/" + name;
    }

    private String playbook(String path, String text) throws IOException {
        Path file = config.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
        return "generated_iac/config/" + path;
    }

    private ToolResult run(Map<String, ?> args) {
        return ansible.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    @Test
    void aSucceedingPlaybookIsOkWithItsRecap() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("playbooks/site.yml", OK_PLAYBOOK);

        ToolResult result = run(Map.of("playbook", play, "inventory", inv, "limit", "web",
                "extra_vars", Map.of("greeting", "hi")));

        assertThat(result.status()).as(result.output() + "\n" + sshd.logText()).isEqualTo(ToolResult.Status.OK);
        assertThat(result.exitCode()).isZero();
        assertThat(result.output()).contains("hello-from-ansible", "recap: hosts=1 ok=2 changed=1 failed=0 unreachable=0");
        assertThat(Files.readString(workspace.resolve("docs/known_hosts"))).contains("127.0.0.1");
    }

    @Test
    void aFailingTaskIsAnErrorWithFailedOne() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("fail.yml", FAILING_PLAYBOOK);

        ToolResult result = run(Map.of("playbook", play, "inventory", inv));

        assertThat(result.isError()).as(result.output()).isTrue();
        assertThat(result.exitCode()).isEqualTo(2);
        assertThat(result.output()).contains("failed=1", "ERROR: 1 failed task(s)");
    }

    @Test
    void anUnreachableHostIsAnError() throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String inv = inventory("down.ini", "down ansible_host=127.0.0.1 ansible_port=" + closedPort);
        String play = playbook("site.yml", OK_PLAYBOOK);

        ToolResult result = run(Map.of("playbook", play, "inventory", inv));

        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(4);
        assertThat(result.output()).contains("unreachable=1", "1 unreachable host(s)");
    }

    @Test
    void inventoryCannotTurnOffHostKeyChecking() throws IOException {
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/known_hosts"), sshd.wrongKnownHostsLine() + "\n");
        String inv = inventory("sneaky.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port()
                + " ansible_host_key_checking=false ansible_ssh_common_args='-o StrictHostKeyChecking=no'"
                + " ansible_ssh_args='-o StrictHostKeyChecking=no -o UserKnownHostsFile=/dev/null'");
        String play = playbook("site.yml", OK_PLAYBOOK);

        ToolResult result = run(Map.of("playbook", play, "inventory", inv));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("unreachable=1").containsIgnoringCase("host key");
        assertThat(result.output()).doesNotContain("hello-from-ansible");
    }

    @Test
    void hostsOutsideTheAllowlistAreRefusedBeforeAnythingRuns() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port()
                + "\nother ansible_host=192.0.2.10");
        String play = playbook("site.yml", OK_PLAYBOOK);

        ToolResult fileInventory = run(Map.of("playbook", play, "inventory", inv));
        ToolResult inline = tool("").execute(ToolArguments.of(Map.of("playbook", play, "inventory", "127.0.0.1,")),
                ToolContext.of("DevOps_Builder"));

        assertThat(fileInventory.isError()).isTrue();
        assertThat(fileInventory.output()).contains("192.0.2.10", "SSH_ALLOWED_HOSTS");
        assertThat(inline.output()).contains("SSH_ALLOWED_HOSTS is empty");
        assertThat(workspace.resolve("docs/known_hosts")).doesNotExist();
    }

    @Test
    void connectionExtraVarsAndPathsOutsideConfigAreRefused() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("site.yml", OK_PLAYBOOK);
        Files.createDirectories(workspace.resolve("docs"));
        Files.writeString(workspace.resolve("docs/evil.yml"), OK_PLAYBOOK);

        ToolResult extra = run(Map.of("playbook", play, "inventory", inv,
                "extra_vars", Map.of("ansible_ssh_common_args", "-o StrictHostKeyChecking=no")));
        ToolResult outside = run(Map.of("playbook", "docs/evil.yml", "inventory", inv));
        ToolResult limitFile = run(Map.of("playbook", play, "inventory", inv, "limit", "@/etc/hosts"));

        assertThat(extra.output()).contains("extra var 'ansible_ssh_common_args' is not allowed");
        assertThat(outside.output()).contains("path refused");
        assertThat(limitFile.output()).contains("is not a host pattern");
    }

    @Test
    void hostsReachedOutsideTheInventoryAreRefusedBySsh() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("delegate.yml", """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: sneak to a host that is not allowed
                      command: echo should-never-run
                      delegate_to: 192.0.2.77
                """);

        ToolResult result = run(Map.of("playbook", play, "inventory", inv));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("192.0.2.77 is not in SSH_ALLOWED_HOSTS", "unreachable=1")
                .doesNotContain("should-never-run\n");
    }

    // ---- issue 19, findings 9-11 ----

    private static String sleeping(String sleep) {
        return """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - name: a long remote task
                      command: %s
                """.formatted(sleep);
    }

    @Test
    void stopEndsTheRemoteTaskTooAndSaysStopped() throws Exception {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String sleep = UniqueSleep.of(317);
        String play = playbook("slow.yml", sleeping(sleep));
        Cancellation stop = Cancellation.create();
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> ansible.execute(
                ToolArguments.of(Map.of("playbook", play, "inventory", inv)),
                new ToolContext("DevOps_Builder", stop, null)));
        await().atMost(Duration.ofSeconds(90)).until(() -> running(sleep) || call.isDone());
        assertThat(call).as("the playbook is still running").isNotDone();

        stop.cancel();
        ToolResult result = call.get(30, TimeUnit.SECONDS);

        assertThat(result.exitCode()).isEqualTo(130);
        assertThat(result.output()).contains("stopped by STOP", "remote tasks")
                .doesNotContain("no play ran");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() ->
                assertThat(running(sleep)).as("the remote task was ended with the call").isFalse());
    }

    @Test
    void aTimeOutEndsTheRemoteTaskToo() throws Exception {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String sleep = UniqueSleep.of(318);
        String play = playbook("slow.yml", sleeping(sleep));
        Tool shortTimeout = tool("127.0.0.1", sshd.clientKey(), Duration.ofSeconds(40));

        ToolResult result = shortTimeout.execute(ToolArguments.of(Map.of("playbook", play, "inventory", inv)),
                ToolContext.of("DevOps_Builder"));

        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.output()).contains("timed out after 40 s", "remote tasks").doesNotContain("no play ran");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(running(sleep)).isFalse());
    }

    @Test
    void aPlayWhoseHostsMatchNothingIsAnError() throws IOException {
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("typo.yml", OK_PLAYBOOK.replace("hosts: all", "hosts: wbe"));

        ToolResult result = run(Map.of("playbook", play, "inventory", inv));

        assertThat(result.isError()).as(result.output()).isTrue();
        assertThat(result.output()).contains("no host matched", "hosts=0").doesNotContain("hello-from-ansible");
    }

    @Test
    void aPassphraseProtectedKeyIsExplainedBeforeAnythingRuns() throws Exception {
        Path key = workspace.resolve("tmp/locked_key");
        Files.createDirectories(key.getParent());
        Process keygen = new ProcessBuilder("ssh-keygen", "-q", "-t", "ed25519", "-N", "correct horse", "-f",
                key.toString()).redirectErrorStream(true).start();
        assertThat(keygen.waitFor(30, TimeUnit.SECONDS)).isTrue();
        String inv = inventory("hosts.ini", "target ansible_host=127.0.0.1 ansible_port=" + sshd.port());
        String play = playbook("site.yml", OK_PLAYBOOK);

        ToolResult result = tool("127.0.0.1", key, Duration.ofSeconds(900)).execute(
                ToolArguments.of(Map.of("playbook", play, "inventory", inv)), ToolContext.of("DevOps_Builder"));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("protected by a passphrase", "SSH_AGENT_SOCK")
                .doesNotContain("unreachable");
        assertThat(workspace.resolve("docs/known_hosts")).doesNotExist();
    }
}
