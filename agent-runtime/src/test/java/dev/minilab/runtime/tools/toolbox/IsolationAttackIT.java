package dev.minilab.runtime.tools.toolbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.ExecRequest;
import dev.minilab.runtime.sandbox.ExecResult;
import dev.minilab.runtime.sandbox.ProcessRunner;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.sandbox.SandboxStatus;
import dev.minilab.runtime.sandbox.SandboxView;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import dev.minilab.runtime.tools.web.Listener;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15's attacks, each against the real tools under the real sandbox (bubblewrap): canary secrets are planted in
 * {@code .env} files, {@code keys/}, the SSH key, the agent's home and the environment of a process of the agent;
 * the redactor is OFF, so any leak would show the canary (or its ROT13). A loopback listener stands for Redis and
 * must receive nothing; {@code pgrep} looks for survivors.
 */
public class IsolationAttackIT {

    @TempDir
    Path workspace;
    @TempDir
    Path home;

    String canary;
    String keyCanary;
    Map<String, String> env;
    Toolbox toolbox;
    Listener listener;
    HttpServer web;
    int webPort;

    @BeforeEach
    void plant() throws Exception {
        canary = "canary" + UUID.randomUUID().toString().replace("-", "");
        keyCanary = "keycanary" + UUID.randomUUID().toString().replace("-", "");
        for (String dir : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp", "keys")) {
            Files.createDirectories(workspace.resolve(dir));
        }
        Files.writeString(workspace.resolve(".env"), "OPENAI_API_KEY=sk-" + canary + "\nLAB_NOTE=" + canary + "\n");
        Files.writeString(workspace.resolve("docs/.env"), "X=" + canary + "\n");
        Files.writeString(workspace.resolve("generated_iac/config/.env"), "Y=" + canary + "\n");
        Files.writeString(workspace.resolve("keys/Architect_Zero.pem"), "-----BEGIN PRIVATE" + " KEY-----\n"
                + keyCanary + "\n");
        Files.writeString(workspace.resolve("tmp/bootstrap_id_rsa"), "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n"
                + keyCanary + "\n");
        Files.writeString(workspace.resolve("docs/notes.md"), "hello\n");
        Files.createDirectories(home.resolve(".ssh"));
        Files.writeString(home.resolve(".ssh/id_ed25519"), keyCanary);
        Files.createDirectories(home.resolve(".config/minilab/keys"));
        Files.writeString(home.resolve(".config/minilab/keys/DevOps_Builder.pem"), keyCanary);
        listener = Listener.start();
        web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = "web ok".getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();
        webPort = web.getAddress().getPort();
        env = new HashMap<>(Map.of("PATH", System.getenv("PATH"), "HOME", home.toString(),
                "OPENAI_API_KEY", "sk-" + canary, "REDIS_PASSWORD", canary, "PM_TOKEN_SECRET", "pm" + canary,
                "REDIS_HOST", "127.0.0.1", "REDIS_PORT", String.valueOf(listener.port()),
                "WEB_ALLOWED_HOSTS", "127.0.0.1:" + webPort));
        toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, env), Redactor.none());
        assertThat(toolbox.sandbox()).isInstanceOf(SandboxStatus.Confined.class);
    }

    @AfterEach
    void stop() {
        listener.close();
        web.stop(0);
    }

    private static ToolResult run(Tool tool, String command) {
        return tool.execute(ToolArguments.of(Map.of("command", command)), ToolContext.of("attacker"));
    }

    private void assertNoSecret(String output) {
        assertThat(output).doesNotContain(canary).doesNotContain(rot13(canary)).doesNotContain(keyCanary)
                .doesNotContain(rot13(keyCanary));
    }

    // ---- restricted shells run anything / write ----

    @Test
    void abbreviatedCompressProgramDoesNotRunAnything() {
        Tool security = toolbox.runShell(ShellPolicy.auditOnly());
        Tool qa = toolbox.runShell(ShellPolicy.readOnly());
        for (Tool shell : List.of(security, qa)) {
            for (String attack : List.of(
                    "echo 'touch marker' | cat - /proc/cpuinfo /proc/cpuinfo | sort -S 1 --co=sh",
                    "sort -S 1 --compress-prog=sh docs/notes.md", "sort -S 1 --compress-program=sh docs/notes.md",
                    "ansible-playbook --syntax-check generated_iac/config/site.yml", "ssh -i tmp/key 10.0.0.5 id",
                    "uniq - generated_iac/config/site.yml", "sort --o=generated_iac/infra/evil.tf docs/notes.md",
                    "ansible-inventory --out=generated_iac/config/x --list", "ss -D generated_iac/config/x")) {
                ToolResult result = run(shell, attack);
                assertThat(result.isError()).as(attack).isTrue();
                assertThat(result.output()).as(attack).startsWith("command refused");
            }
        }
        assertThat(workspace.resolve("marker")).doesNotExist();
        assertThat(workspace.resolve("generated_iac/config/site.yml")).doesNotExist();
        assertThat(workspace.resolve("generated_iac/infra/evil.tf")).doesNotExist();
    }

    @Test
    void readOnlyRolesCannotWriteEvenPastThePolicy() throws Exception {
        // The kernel is the boundary: run what the policy would never let through in the read-only views.
        SandboxViews views = new SandboxViews(toolbox.settings());
        for (ShellPolicy policy : List.of(ShellPolicy.auditOnly(), ShellPolicy.readOnly())) {
            ProcessRunner runner = ProcessRunner.confined(toolbox.sandbox().isolation(), views.shell(policy));
            ExecResult result = runner.run(ExecRequest.of(List.of("bash", "-c",
                    "touch generated_iac/infra/evil.tf; echo x >> docs/notes.md; touch /tmp/x && echo tmp-ok; "
                            + "echo ok"), workspace, Map.of("PATH", System.getenv("PATH")), Duration.ofSeconds(30)),
                    Cancellation.create());
            assertThat(result.stdout()).as(policy.toString()).contains("tmp-ok", "ok");
            assertThat(result.stderr()).contains("Read-only file system");
        }
        assertThat(workspace.resolve("generated_iac/infra/evil.tf")).doesNotExist();
        assertThat(Files.readString(workspace.resolve("docs/notes.md"))).isEqualTo("hello\n");
    }

    @Test
    void theAuditShellHasNoNetwork() throws Exception {
        ProcessRunner runner = ProcessRunner.confined(toolbox.sandbox().isolation(),
                new SandboxViews(toolbox.settings()).shell(ShellPolicy.auditOnly()));

        ExecResult result = runner.run(ExecRequest.of(List.of("bash", "-c", "echo hi > /dev/tcp/127.0.0.1/"
                + listener.port() + " && echo sent"), workspace, Map.of("PATH", System.getenv("PATH")),
                Duration.ofSeconds(30)), Cancellation.create());

        assertThat(result.stdout()).doesNotContain("sent");
        assertThat(listener.connections()).isZero();
    }

    // ---- secrets absent, not redacted ----

    @Test
    void devOpsShellSeesNoSecretOfTheAgentHoweverItReads() throws Exception {
        String needle = "4" + ThreadLocalRandom.current().nextInt(100000, 999999);
        Process agentProcess = new ProcessBuilder("env", "AGENT_TOKEN=" + canary, "sleep", needle).start();
        try {
            ToolResult result = run(toolbox.runShell(ShellPolicy.unrestricted()), String.join("; ",
                    "cat .env docs/.env generated_iac/config/.env", "cat .en? | tr 'A-Za-z0-9' 'N-ZA-Mn-za-m0-9'",
                    "cat keys/* tmp/bootstrap_id_rs? | rev", "cat ~/.ssh/* " + home + "/.ssh/*",
                    "ls -la ~ " + home + "/.config/minilab/keys", "cat /proc/*/environ | tr 'A-Za-z' 'N-ZA-Mn-za-m'",
                    "ps axeww", "cat /proc/$PPID/environ", "env", "file -f tmp/bootstrap_id_rsa",
                    "cp tmp/bootstrap_id_rsa docs/k && cat docs/k", "ln tmp/bootstrap_id_rsa docs/h; cat docs/h",
                    "mv tmp tmp2 && cat tmp2/bootstrap_id_rsa; mv tmp2 tmp",
                    "umount .env; cat .env", "cat /etc/shadow", "echo done"));

            assertThat(result.output()).contains("done");
            assertNoSecret(result.output());
            assertThat(result.output()).doesNotContain("sleep " + needle);
        } finally {
            agentProcess.destroyForcibly();
        }
        assertThat(Files.readString(workspace.resolve("tmp/bootstrap_id_rsa"))).contains(keyCanary);
    }

    @Test
    void restrictedShellsCannotReadSecretsThroughGlobsOrFileOptions() {
        Tool security = toolbox.runShell(ShellPolicy.auditOnly());
        Tool qa = toolbox.runShell(ShellPolicy.readOnly());
        for (Tool shell : List.of(security, qa)) {
            for (String attack : List.of("cat .en?", "cat .e*", "cat */.env", "cat tmp/bootstrap_id_rs?",
                    "cat tmp/*", "file -f tmp/bootstrap_id_rsa", "grep -r . keys", "cat keys/*", "ps axeww",
                    "head -c 100 docs/.en*")) {
                ToolResult result = run(shell, attack);
                assertNoSecret(result.output());
            }
        }
        ToolResult curlFile = run(qa, "curl -s -w @tmp/bootstrap_id_rsa http://127.0.0.1:" + webPort + "/");
        assertThat(curlFile.isError()).isTrue();
        assertNoSecret(curlFile.output());
    }

    @Test
    void terraformProvisionersSeeNoAgentSecretAndNoSshKey() throws Exception {
        Path module = Files.createDirectories(workspace.resolve("generated_iac/infra/leak"));
        Files.writeString(module.resolve("main.tf"), """
                resource "terraform_data" "leak" {
                  provisioner "local-exec" {
                    command = "cat ../../../.env ../../../tmp/bootstrap_id_rsa ../../../keys/* 2>&1; env | tr 'A-Za-z' 'N-ZA-Mn-za-m'; echo provisioner-ran"
                  }
                }
                """);
        Tool terraform = new Toolbox(ToolboxSettings.fromEnv(workspace, env), Redactor.none()).runTerraform();
        ToolResult init = terraform.execute(ToolArguments.of(Map.of("module_dir", "generated_iac/infra/leak",
                "command", "init")), ToolContext.of("DevOps_Builder"));
        assertThat(init.status()).as(init.output()).isEqualTo(ToolResult.Status.OK);
        ToolResult plan = terraform.execute(ToolArguments.of(Map.of("module_dir", "generated_iac/infra/leak",
                "command", "plan")), ToolContext.of("DevOps_Builder"));
        String planId = plan.output().replaceAll("(?s).*plan_id: ([0-9a-f]{16}).*", "$1");

        ToolResult apply = terraform.execute(ToolArguments.of(Map.of("module_dir", "generated_iac/infra/leak",
                "command", "apply", "plan_id", planId)), ToolContext.of("DevOps_Builder"));

        assertThat(apply.output()).contains("provisioner-ran");
        // The Proxmox token is the one secret terraform legitimately gets (as TF_VAR_pm_token_secret).
        assertThat(apply.output()).contains(rot13("TF_VAR_pm_token_secret=pm" + canary));
        assertThat(apply.output().replace(rot13("pm" + canary), "")).doesNotContain(keyCanary)
                .doesNotContain(rot13(keyCanary)).doesNotContain(canary).doesNotContain(rot13(canary));
    }

    // ---- processes outlive STOP ----

    @Test
    void stopLeavesNothingOfASetsidGrandchild() throws Exception {
        String needle = "5" + ThreadLocalRandom.current().nextInt(10, 99) + "." + ThreadLocalRandom.current()
                .nextInt(100000, 999999);
        Tool shell = toolbox.runShell(ShellPolicy.unrestricted());
        Cancellation stop = Cancellation.create();
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> shell.execute(ToolArguments.of(
                Map.of("command", "setsid -f sleep " + needle + "; sleep 600")),
                new ToolContext("DevOps_Builder", stop, null)));
        await().atMost(Duration.ofSeconds(20)).until(() -> !pgrep("^sleep " + needle).isEmpty());

        stop.cancel();

        assertThat(call.get(10, TimeUnit.SECONDS).exitCode()).isEqualTo(130);
        await().atMost(Duration.ofSeconds(15)).until(() -> pgrep("^sleep " + needle).isEmpty());
    }

    // ---- SSRF through QA's curl ----

    @Test
    void qaCurlReachesTheListedWebServerButNothingOnLoopbackElse() {
        Tool qa = toolbox.runShell(ShellPolicy.readOnly());
        int port = listener.port();

        ToolResult allowed = run(qa, "curl -s http://127.0.0.1:" + webPort + "/");
        assertThat(allowed.status()).as(allowed.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(allowed.output()).isEqualTo("web ok");

        for (String attack : List.of(
                "curl --resolve name:" + port + ":127.0.0.1 name:" + port + "/SET:pwn:1",
                "curl dict://127.0.0.1:" + port + "/SET:pwn:1",
                "curl -s http://127.0.0.1:" + port + "/", "curl -s http://localhost:" + port + "/",
                "curl -s http://[::ffff:127.0.0.1]:" + port + "/", "curl -s http://0.0.0.0:" + port + "/",
                "curl -s http://2130706433:" + port + "/", "curl -s http://0177.0.0.1:" + port + "/",
                "curl -s http://127.1:" + port + "/", "curl -sL http://127.0.0.1:" + webPort + "/",
                "curl -s --connect-to ::127.0.0.1:" + port + " http://127.0.0.1:" + webPort + "/",
                "curl -s -x http://127.0.0.1:" + port + " http://127.0.0.1:" + webPort + "/",
                "nc -z 127.0.0.1 " + port, "ping -c 1 127.0.0.1", "dig -p " + port + " @127.0.0.1 x")) {
            ToolResult result = run(qa, attack);
            assertThat(result.isError()).as(attack + " -> " + result.output()).isTrue();
            assertThat(result.output()).as(attack).startsWith("command refused");
        }
        assertThat(listener.connections()).as("connections to the loopback listener").isZero();
        assertThat(listener.bytes()).isZero();
    }

    // ---- the gate, by string and by kernel ----

    @Test
    void devOpsShellCannotRunTerraformAnsibleOrSsh() {
        Tool shell = toolbox.runShell(ShellPolicy.unrestricted());
        assertThat(run(shell, "bash -c 'terraform version'").output()).contains("Use the run_terraform tool");
        assertThat(run(shell, "echo host | xargs ssh").output()).contains("run_ssh");

        // Past the string check (here: a name assembled at run time), the sandbox has only stubs.
        ToolResult assembled = run(shell, "T=terra; F=form; $T$F version; S=ss; H=h; $S$H -V; echo end");
        assertThat(assembled.output()).contains("'terraform' cannot run inside run_shell", "use the run_terraform tool",
                "'ssh' cannot run inside run_shell", "end").doesNotContain("Terraform v");
    }

    @Test
    void withoutIsolationTheProcessToolsRefuseAndSayHowToFixIt() {
        Toolbox unisolated = new Toolbox(ToolboxSettings.fromEnv(workspace, env), Redactor.none(),
                new SandboxStatus.Unavailable("bwrap is not installed (not found on PATH)"));

        for (Tool tool : List.of(unisolated.runShell(ShellPolicy.unrestricted()),
                unisolated.runShell(ShellPolicy.auditOnly()), unisolated.runTerraform(), unisolated.runAnsible())) {
            ToolResult result = tool.execute(ToolArguments.of(Map.of("command", "touch marker", "module_dir",
                    "generated_iac/infra", "playbook", "generated_iac/config/site.yml", "inventory", "x,")),
                    ToolContext.of("DevOps_Builder"));
            assertThat(result.isError()).isTrue();
            assertThat(result.output()).contains("refused: tool processes run only inside a kernel sandbox",
                    "bwrap is not installed", "apt-get install bubblewrap", "MINILAB_SANDBOX=none");
        }
        assertThat(workspace.resolve("marker")).doesNotExist();
        assertThat(unisolated.sandbox().label()).isEqualTo("unavailable");
    }

    @Test
    void sandboxNoneIsExplicitAndRunsUnconfined() {
        Map<String, String> none = new HashMap<>(env);
        none.put("MINILAB_SANDBOX", "none");
        Toolbox unconfined = new Toolbox(ToolboxSettings.fromEnv(workspace, none), Redactor.none());

        assertThat(unconfined.sandbox()).isInstanceOf(SandboxStatus.Unconfined.class);
        assertThat(run(unconfined.runShell(ShellPolicy.unrestricted()), "cat docs/.env ~/.ssh/id_ed25519").output())
                .as("what the sandbox hides is there without it").contains(canary);
    }

    private static List<Long> pgrep(String pattern) throws Exception {
        Process p = new ProcessBuilder("pgrep", "-f", pattern).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor(5, TimeUnit.SECONDS);
        return out.isEmpty() ? List.of() : out.lines().map(Long::parseLong).toList();
    }

    /** ROT13 of {@code text}: what a secret looks like after {@code tr A-Za-z N-ZA-Mn-za-m}. */
    public static String rot13(String text) {
        StringBuilder out = new StringBuilder();
        for (char c : text.toCharArray()) {
            if (c >= 'a' && c <= 'z') {
                out.append((char) ('a' + (c - 'a' + 13) % 26));
            } else if (c >= 'A' && c <= 'Z') {
                out.append((char) ('A' + (c - 'A' + 13) % 26));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
