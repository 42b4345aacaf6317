package dev.minilab.runtime.tools.toolbox;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import com.sun.net.httpserver.HttpServer;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import dev.minilab.runtime.tools.ssh.HostAllowlist;
import dev.minilab.runtime.tools.ssh.SshSettings;
import dev.minilab.testkit.SshTarget;
import dev.minilab.testkit.TerraformStandIn;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

/**
 * Secret canary: random secrets in the env and in files the tools read; every tool is run against real processes and
 * servers; the canaries never appear in any tool result or log line, while the places they would have leaked show
 * {@code [REDACTED...]} (so the test would fail if redaction stopped working).
 */
class SecretCanaryIT {

    @TempDir
    Path workspace;
    @TempDir
    Path sshdDir;

    @Test
    void noToolResultOrLogLineEverContainsASecret() throws Exception {
        String token = "canary-token-" + UUID.randomUUID();
        String redisPassword = "canary-redis-" + UUID.randomUUID();
        String keyBody = java.util.Base64.getEncoder().encodeToString(
                (UUID.randomUUID() + "canary" + UUID.randomUUID()).getBytes(StandardCharsets.UTF_8)).substring(0, 64);
        List<String> canaries = List.of(token, redisPassword, keyBody);

        Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        ListAppender<ILoggingEvent> logs = new ListAppender<>();
        logs.start();
        root.addAppender(logs);

        Files.createDirectories(workspace.resolve("docs"));
        Path notes = Files.writeString(workspace.resolve("docs/notes.md"), "the token is " + token + " and redis "
                + redisPassword + "\n");
        Files.writeString(workspace.resolve("docs/leaked_key.pem"), "-----BEGIN OPENSSH PRIVATE" + " KEY-----\n" + keyBody
                + "\n-----END OPENSSH PRIVATE" + " KEY-----\n");
        Path infra = Files.createDirectories(workspace.resolve("generated_iac/infra/leak"));
        Files.writeString(infra.resolve("main.tf"), "resource \"terraform_data\" \"x\" {\n  input = \"a\"\n}\n\n"
                + "output \"leak\" {\n  value = \"" + token + "\"\n}\n");
        Path config = Files.createDirectories(workspace.resolve("generated_iac/config"));

        HttpServer web = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        web.createContext("/", ex -> {
            byte[] body = ("<p>leaked " + token + "</p><pre>Authorization: Bearer " + redisPassword + "</pre>")
                    .getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/html");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(body);
            }
        });
        web.start();

        try (SshTarget sshd = SshTarget.start(sshdDir)) {
            Files.writeString(config.resolve("hosts.ini"), "[t]\ntarget ansible_host=127.0.0.1 ansible_port="
                    + sshd.port() + "\n");
            Files.writeString(config.resolve("leak.yml"), """
                    - hosts: all
                      gather_facts: false
                      tasks:
                        - command: cat {{ notes_file }}
                          register: notes
                        - debug:
                            var: notes.stdout
                    """);
            Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                    "HOME", workspace.resolve("tmp/home").toString(), "CANARY_API_TOKEN", token,
                    "REDIS_PASSWORD", redisPassword, "PM_TOKEN_SECRET", token));
            env.put("WEB_ALLOWED_HOSTS", "127.0.0.1:" + web.getAddress().getPort());
            SshSettings ssh = new SshSettings(sshd.user(), sshd.clientKey(), HostAllowlist.parse("127.0.0.1"),
                    workspace.resolve("docs/known_hosts"), Duration.ofSeconds(5), Duration.ofSeconds(30));
            ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env).withSsh(ssh)
                    .withTerraformCommand(TerraformStandIn.install(workspace.resolve(".bin")).toString());
            Toolbox toolbox = new Toolbox(settings, Redactor.fromEnv(env));

            List<ToolResult> results = new ArrayList<>();
            Map<String, ToolResult> mustShowRedaction = new HashMap<>();
            ToolContext ctx = ToolContext.of("DevOps_Builder");
            mustShowRedaction.put("read_file notes", toolbox.readFile(toolbox.readOnly())
                    .execute(ToolArguments.of(Map.of("path", "docs/notes.md")), ctx));
            mustShowRedaction.put("read_file pem", toolbox.readFile(toolbox.readOnly())
                    .execute(ToolArguments.of(Map.of("path", "docs/leaked_key.pem")), ctx));
            results.add(toolbox.saveFile(toolbox.fullAccess())
                    .execute(ToolArguments.of(Map.of("path", "docs/copy.md", "content", token)), ctx));
            results.add(toolbox.appendFile(toolbox.fullAccess())
                    .execute(ToolArguments.of(Map.of("path", "docs/copy.md", "content", token)), ctx));
            mustShowRedaction.put("run_shell", toolbox.runShell(ShellPolicy.unrestricted()).execute(ToolArguments.of(
                    Map.of("command", "env; echo \"[$CANARY_API_TOKEN]\"; cat docs/notes.md docs/leaked_key.pem")),
                    ctx));
            mustShowRedaction.put("audit shell", toolbox.runShell(ShellPolicy.auditOnly()).execute(
                    ToolArguments.of(Map.of("command", "cat docs/notes.md docs/leaked_key.pem")), ctx));
            mustShowRedaction.put("read-only shell", toolbox.runShell(ShellPolicy.readOnly()).execute(
                    ToolArguments.of(Map.of("command", "grep -r canary docs")), ctx));
            results.add(toolbox.readEnv().execute(ToolArguments.of(Map.of("name", "CANARY_API_TOKEN")), ctx));
            results.add(toolbox.readEnv().execute(ToolArguments.of(Map.of("name", "REDIS_PASSWORD")), ctx));
            mustShowRedaction.put("fetch_webpage", toolbox.fetchWebpage().execute(ToolArguments.of(
                    Map.of("url", "http://127.0.0.1:" + web.getAddress().getPort() + "/")), ctx));
            mustShowRedaction.put("run_ssh", toolbox.runSsh().execute(ToolArguments.of(Map.of("host",
                    sshd.hostAndPort(), "command", "cat " + notes + " " + workspace.resolve("docs/leaked_key.pem"))),
                    ctx));
            mustShowRedaction.put("run_ansible", toolbox.runAnsible().execute(ToolArguments.of(Map.of(
                    "playbook", "generated_iac/config/leak.yml", "inventory", "generated_iac/config/hosts.ini",
                    "extra_vars", Map.of("notes_file", notes.toString()))), ctx));
            Tool terraform = toolbox.runTerraform();
            results.add(terraform.execute(ToolArguments.of(Map.of("module_dir", "generated_iac/infra/leak",
                    "command", "init")), ctx));
            ToolResult plan = terraform.execute(ToolArguments.of(Map.of("module_dir", "generated_iac/infra/leak",
                    "command", "plan")), ctx);
            mustShowRedaction.put("terraform plan", plan);
            String planId = plan.output().replaceAll("(?s).*plan_id: ([0-9a-f]{16}).*", "$1");
            mustShowRedaction.put("terraform apply", terraform.execute(ToolArguments.of(Map.of(
                    "module_dir", "generated_iac/infra/leak", "command", "apply", "plan_id", planId)), ctx));
            results.add(toolbox.deleteFile(toolbox.fullAccess())
                    .execute(ToolArguments.of(Map.of("path", "docs/copy.md")), ctx));
            results.addAll(mustShowRedaction.values());

            for (ToolResult result : results) {
                for (String canary : canaries) {
                    assertThat(result.output()).doesNotContain(canary);
                    assertThat(result.renderForModel()).doesNotContain(canary);
                }
            }
            mustShowRedaction.forEach((name, result) ->
                    assertThat(result.output()).as(name + ": " + result.output()).contains("[REDACTED"));
            assertThat(mustShowRedaction.get("run_shell").output()).contains("[]")
                    .doesNotContain("CANARY_API_TOKEN=").doesNotContain("REDIS_PASSWORD=");
            assertThat(mustShowRedaction.get("run_ansible").status()).isEqualTo(ToolResult.Status.OK);
            assertThat(mustShowRedaction.get("run_ssh").status()).isEqualTo(ToolResult.Status.OK);
            assertThat(mustShowRedaction.get("terraform apply").status()).isEqualTo(ToolResult.Status.OK);
        } finally {
            web.stop(0);
            root.detachAppender(logs);
        }
        for (ILoggingEvent event : logs.list) {
            String line = event.getFormattedMessage() + (event.getThrowableProxy() == null ? ""
                    : event.getThrowableProxy().getMessage());
            for (String canary : canaries) {
                assertThat(line).doesNotContain(canary);
            }
        }
    }
}
