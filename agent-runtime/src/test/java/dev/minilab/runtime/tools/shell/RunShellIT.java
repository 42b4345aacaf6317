package dev.minilab.runtime.tools.shell;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.ToolTimeouts;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RunShellIT {

    @TempDir
    Path workspace;

    private Toolbox toolbox(Map<String, String> env, Duration shellTimeout) {
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env).withTimeouts(new ToolTimeouts(shellTimeout,
                Duration.ofSeconds(600), Duration.ofSeconds(900), Duration.ofSeconds(60), Duration.ofSeconds(20)));
        return new Toolbox(settings, Redactor.fromEnv(env));
    }

    private static Map<String, String> baseEnv() {
        return Map.of("PATH", System.getenv("PATH"), "HOME", System.getProperty("java.io.tmpdir"));
    }

    private static List<ProcessHandle> descendantsRunning(String needle) {
        return ProcessHandle.current().descendants()
                .filter(p -> p.info().commandLine().orElse("").contains(needle)).toList();
    }

    @Test
    void stopKillsRunningShellCommandWithoutWaitingForIt() throws Exception {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(60)).runShell(ShellPolicy.unrestricted());
        Cancellation stop = Cancellation.create();
        CompletableFuture<ToolResult> call = CompletableFuture.supplyAsync(() -> shell.execute(
                ToolArguments.of(Map.of("command", "sleep 30; touch marker")),
                new ToolContext("DevOps_Builder", stop, null)));
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20))
                .until(() -> !descendantsRunning("sleep 30").isEmpty());

        long stoppedAt = System.nanoTime();
        stop.cancel();
        ToolResult result = call.get(15, TimeUnit.SECONDS);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - stoppedAt);

        // Well below the 30 s the command would run; no sub-second bound (it flakes on two loaded cores).
        assertThat(tookMillis).as("STOP to result").isLessThan(15_000);
        assertThat(descendantsRunning("sleep 30")).as("no process of the tree survives").isEmpty();
        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(130);
        assertThat(result.output()).contains("stopped by STOP");
        Thread.sleep(300);
        assertThat(workspace.resolve("marker")).doesNotExist();
    }

    @Test
    void timeoutKillsTheWholeTreeAndSaysSo() {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(1)).runShell(ShellPolicy.unrestricted());
        long start = System.nanoTime();

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "sleep 31 & sleep 32; touch marker")),
                ToolContext.of("DevOps_Builder"));

        // far below the 31 s the tree would run; no tighter bound (starting bash and killing the tree on two loaded
        // cores can take seconds)
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isLessThan(15_000);
        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(124);
        assertThat(result.output()).contains("timed out after 1 s");
        assertThat(descendantsRunning("sleep 31")).isEmpty();
        assertThat(descendantsRunning("sleep 32")).isEmpty();
        assertThat(workspace.resolve("marker")).doesNotExist();
    }

    @Test
    void backgroundChildrenDoNotOutliveTheCommand() {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.unrestricted());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "nohup sleep 33 >/dev/null 2>&1 & echo started")),
                ToolContext.of("DevOps_Builder"));

        assertThat(result.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(result.output()).contains("started");
        assertThat(descendantsRunning("sleep 33")).isEmpty();
    }

    @Test
    void outputWrittenJustBeforeExitIsNeverLost() throws Exception {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.unrestricted());
        List<CompletableFuture<List<String>>> workers = new java.util.ArrayList<>();
        for (int w = 0; w < 4; w++) { // parallel runs load the CPU, which is when pipes used to lose their last bytes
            int worker = w;
            workers.add(CompletableFuture.supplyAsync(() -> {
                List<String> lost = new java.util.ArrayList<>();
                for (int i = 0; i < 20; i++) {
                    String expected = "run-" + worker + "-" + i;
                    ToolResult result = shell.execute(ToolArguments.of(Map.of("command",
                            "nohup sleep 34 >/dev/null 2>&1 & echo " + expected)), ToolContext.of("DevOps_Builder"));
                    if (!result.output().equals(expected + "\n")) {
                        lost.add(expected + " -> '" + result.output() + "'");
                    }
                }
                return lost;
            }));
        }

        for (CompletableFuture<List<String>> worker : workers) {
            assertThat(worker.get(60, TimeUnit.SECONDS)).as("runs whose output was lost").isEmpty();
        }
        assertThat(descendantsRunning("sleep 34")).isEmpty();
    }

    @Test
    void nonZeroExitIsAnErrorWithItsCodeAndStderr() {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.unrestricted());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "echo out; echo oops >&2; exit 3")),
                ToolContext.of("DevOps_Builder"));

        assertThat(result.isError()).isTrue();
        assertThat(result.exitCode()).isEqualTo(3);
        assertThat(result.output()).isEqualTo("out\n--- stderr ---\noops\n");
        assertThat(result.renderForModel()).startsWith("status: ERROR\nexit_code: 3\nduration_ms: ");
    }

    @Test
    void childEnvironmentHasNoSecrets() {
        Map<String, String> env = new java.util.HashMap<>(baseEnv());
        env.putAll(Map.of("OPENAI_API_KEY", "sk-canary-1111", "REDIS_PASSWORD", "redispw-canary",
                "MINILAB_PRIVATE_KEY", "privkey-canary", "PM_TOKEN_SECRET", "pm-canary", "GITHUB_TOKEN", "gh-canary",
                "PM_API_URL", "https://pve:8006/api2/json", "DATABASE_URL", "postgres://u:dbpw-canary@db/x",
                "HARMLESS", "visible"));
        Tool shell = toolbox(env, Duration.ofSeconds(10)).runShell(ShellPolicy.unrestricted());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "env")), ToolContext.of("DevOps_Builder"));

        assertThat(result.output()).contains("HARMLESS=visible", "PATH=")
                .doesNotContain("OPENAI_API_KEY", "REDIS_PASSWORD", "MINILAB_PRIVATE_KEY", "PM_TOKEN_SECRET",
                        "GITHUB_TOKEN", "PM_API_URL", "DATABASE_URL", "canary");
    }

    @Test
    void hugeOutputIsCappedWithHeadAndTail() {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.unrestricted());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command",
                "echo FIRST; head -c 3000000 /dev/zero | tr '\\0' 'a'; echo; echo LAST")), ToolContext.of("x"));

        assertThat(result.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(result.output()).startsWith("FIRST").endsWith("LAST\n").contains("cut ...]");
        assertThat(result.output().length()).isLessThan(13_000);
    }

    @Test
    void auditShellRefusesBeforeRunningAnything() {
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.auditOnly());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "touch marker")), ToolContext.of("x"));

        assertThat(result.isError()).isTrue();
        assertThat(result.output()).contains("'touch' is not an allowed command");
        assertThat(workspace.resolve("marker")).doesNotExist();
    }

    @Test
    void auditShellRunsAllowedCommandsInTheWorkspace() throws Exception {
        java.nio.file.Files.createDirectories(workspace.resolve("docs"));
        java.nio.file.Files.writeString(workspace.resolve("docs/a.md"), "one\ntwo\n");
        Tool shell = toolbox(baseEnv(), Duration.ofSeconds(10)).runShell(ShellPolicy.auditOnly());

        ToolResult result = shell.execute(ToolArguments.of(Map.of("command", "cat docs/a.md | grep -c o")),
                ToolContext.of("x"));

        assertThat(result.status()).isEqualTo(ToolResult.Status.OK);
        assertThat(result.output()).isEqualTo("2\n");
    }
}
