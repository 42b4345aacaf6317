package dev.minilab.runtime.tools.ssh;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.SshTarget;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The documented way to use a passphrase-protected key: a dedicated ssh-agent (a child of the test) holds it, and
 * SSH_AGENT_SOCK points run_ssh and run_ansible at that agent. A real sshd accepts the key; the agent's other keys
 * are never offered.
 */
class SshAgentIT {

    private static final String PASSPHRASE = "correct horse";

    @TempDir
    Path dir;
    SshTarget sshd;
    Process agent;
    Path socket;
    Path lockedKey;
    Path workspace;

    @BeforeEach
    void agentWithALockedKey() throws Exception {
        sshd = SshTarget.start(dir.resolve("sshd"));
        workspace = Files.createDirectories(dir.resolve("ws"));
        lockedKey = dir.resolve("locked_key");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", PASSPHRASE, "-f", lockedKey.toString()), Map.of());
        Files.writeString(sshd.clientKey().resolveSibling("authorized_keys"),
                Files.readString(Path.of(lockedKey + ".pub")), StandardOpenOption.APPEND);
        socket = dir.resolve("agent.sock");
        agent = new ProcessBuilder("ssh-agent", "-D", "-a", socket.toString()).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> Files.exists(socket));
    }

    @AfterEach
    void stop() {
        if (agent != null) {
            agent.destroy();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    private void addToAgent(Path key) throws Exception {
        Path askpass = dir.resolve("askpass.sh");
        Files.writeString(askpass, "#!/bin/sh\necho '" + PASSPHRASE + "'\n");
        Files.setPosixFilePermissions(askpass, PosixFilePermissions.fromString("rwx------"));
        run(List.of("ssh-add", key.toString()), Map.of("SSH_AUTH_SOCK", socket.toString(),
                "SSH_ASKPASS", askpass.toString(), "SSH_ASKPASS_REQUIRE", "force", "DISPLAY", ":0"));
    }

    private static void run(List<String> command, Map<String, String> env) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        builder.environment().putAll(env);
        Process p = builder.start();
        String out = new String(p.getInputStream().readAllBytes());
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(String.join(" ", command) + ": " + out).isZero();
    }

    private Toolbox toolbox() {
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HOME", dir.resolve("home").toString(), "SSH_AGENT_SOCK", socket.toString()));
        SshSettings ssh = new SshSettings(sshd.user(), lockedKey, HostAllowlist.parse("127.0.0.1"),
                workspace.resolve("docs/known_hosts"), Duration.ofSeconds(10), Duration.ofSeconds(30));
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env);
        return new Toolbox(settings.withSsh(ssh.withAgentSocket(settings.ssh().agentSocket())), Redactor.none());
    }

    @Test
    void runSshAndRunAnsibleUseTheAgentForAPassphraseProtectedKey() throws Exception {
        addToAgent(lockedKey);
        addToAgent(sshd.clientKey()); // another key in the same agent: authorised on the server, never offered
        Files.writeString(sshd.clientKey().resolveSibling("authorized_keys"), Files.readString(
                Path.of(lockedKey + ".pub")));
        Toolbox toolbox = toolbox();
        Path config = Files.createDirectories(workspace.resolve("generated_iac/config"));
        Files.writeString(config.resolve("hosts.ini"), "[web]\ntarget ansible_host=127.0.0.1 ansible_port="
                + sshd.port() + "\n");
        Files.writeString(config.resolve("site.yml"), """
                - hosts: all
                  gather_facts: false
                  tasks:
                    - command: echo signed-by-the-agent
                """);

        ToolResult ssh = toolbox.runSsh().execute(ToolArguments.of(Map.of("host", sshd.hostAndPort(),
                "command", "echo via-agent")), ToolContext.of("QA_Tester"));
        ToolResult ansible = toolbox.runAnsible().execute(ToolArguments.of(Map.of(
                "playbook", "generated_iac/config/site.yml", "inventory", "generated_iac/config/hosts.ini")),
                ToolContext.of("DevOps_Builder"));

        assertThat(ssh.status()).as(ssh.output() + sshd.logText()).isEqualTo(ToolResult.Status.OK);
        assertThat(ssh.output()).isEqualTo("via-agent\n");
        assertThat(ansible.status()).as(ansible.output() + sshd.logText()).isEqualTo(ToolResult.Status.OK);
        assertThat(ansible.output()).contains("recap: hosts=1 ok=1 changed=1 failed=0 unreachable=0");
        assertThat(toolbox.childEnvironment()).as("no other tool process learns where the agent is")
                .doesNotContainKeys("SSH_AGENT_SOCK", "SSH_AUTH_SOCK");
    }

    @Test
    void anAgentWithoutTheKeySaysHowToLoadIt() throws IOException {
        ToolResult ssh = toolbox().runSsh().execute(ToolArguments.of(Map.of("host", sshd.hostAndPort(),
                "command", "true")), ToolContext.of("QA_Tester"));

        assertThat(ssh.isError()).isTrue();
        assertThat(ssh.output()).contains("does not hold the key", "ssh-add " + lockedKey);
    }
}
