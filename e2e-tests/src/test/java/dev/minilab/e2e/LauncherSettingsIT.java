package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Issue 18 items 5, 6 and 9: the launcher says what is wrong with the settings and the folder, in one line. */
class LauncherSettingsIT {

    private static final Duration EXIT = Duration.ofSeconds(90);

    @Test
    void aRedisThatRefusesThePasswordIsReportedAsWrongpassAndNoSecondRedisIsStarted() throws Exception {
        try (RedisServer redis = RedisServer.start(RedisServer.Options.defaults().withPassword("the-right-password-123")
                .withStrategies(RedisServer.Kind.PROCESS));
             TempWorkspace workspace = TempWorkspace.create("minilab-wrongpass")) {
            Files.writeString(workspace.resolve(".env"), "REDIS_HOST=127.0.0.1\nREDIS_PORT=" + redis.port()
                    + "\nREDIS_PASSWORD=not-the-password-456\nOPENAI_API_BASE=http://127.0.0.1:9/v1\n");
            Launcher launcher = new Launcher(workspace.root(), Map.of());
            try (ChildProcess up = launcher.start(List.of("up"), "up")) {
                assertThat(up.awaitExit(EXIT)).isEqualTo(1);
                assertThat(up.output()).contains("refuses REDIS_PASSWORD (WRONGPASS)")
                        .doesNotContain("starting redis-server").doesNotContain("did not start");
                assertThat(workspace.resolve(".minilab/pids/redis.pid")).doesNotExist();
            }
        }
    }

    @Test
    void runningFromASubfolderIsRefusedAndNamesTheWorkspaceAbove() throws Exception {
        try (TempWorkspace workspace = TempWorkspace.create("minilab-subdir")) {
            Files.writeString(workspace.resolve(".env"), "REDIS_PORT=" + FreePort.find() + "\n");
            Path docs = Files.createDirectories(workspace.resolve("docs"));
            Files.writeString(docs.resolve("notes.md"), "# notes\n");
            Launcher launcher = new Launcher(workspace.root(), Map.of());
            try (ChildProcess up = launcher.startIn(docs, false, List.of("up"), "up-in-docs")) {
                assertThat(up.awaitExit(EXIT)).isEqualTo(1);
                assertThat(up.output()).contains(docs + " does not look like a MiniLab workspace")
                        .contains("The workspace above it is " + workspace.root() + ": run from there")
                        .contains("MINILAB_WORKSPACE=");
            }
            assertThat(docs.resolve("keys")).doesNotExist();
            assertThat(docs.resolve("logs")).doesNotExist();
            assertThat(docs.resolve(".minilab")).doesNotExist();
        }
    }

    @Test
    void theLauncherNamesTheWorkspaceAndItsEnvAndTakesJavaOptionsFromIt() throws Exception {
        try (TempWorkspace workspace = TempWorkspace.create("minilab-javaopts")) {
            // A closed Redis port: the agent stops right after start-up, which is all this test needs.
            Files.writeString(workspace.resolve(".env"), "REDIS_HOST=127.0.0.1\nREDIS_PORT=" + FreePort.find()
                    + "\nMINILAB_JAVA_OPTS=-XX:+PrintCommandLineFlags\n");
            Launcher launcher = new Launcher(workspace.root(), Map.of());
            try (ChildProcess agent = launcher.startIn(workspace.root(), false, List.of("agent", "qa"), "qa")) {
                agent.awaitExit(EXIT);
                assertThat(agent.output())
                        .contains("minilab: workspace " + workspace.root() + ", settings from " + workspace.resolve(".env"))
                        .contains("-XX:+PrintCommandLineFlags");
            }
        }
    }

    @Test
    void dotEnvMistakesStopTheProcessWithOneLine() throws Exception {
        try (TempWorkspace workspace = TempWorkspace.create("minilab-badenv")) {
            Launcher launcher = new Launcher(workspace.root(), Map.of());

            Files.writeString(workspace.resolve(".env"), "LLM_MODEL=m\nMAX_STEP=5\n");
            try (ChildProcess agent = launcher.start(List.of("agent", "qa"), "unknown-name")) {
                assertThat(agent.awaitExit(EXIT)).isEqualTo(2);
                assertThat(agent.output()).contains("MAX_STEP is not a MiniLab setting (did you mean MAX_STEPS?)");
            }

            Files.writeString(workspace.resolve(".env"), "LLM_MODEL=\"x\n");
            try (ChildProcess agent = launcher.start(List.of("agent", "qa"), "unclosed")) {
                assertThat(agent.awaitExit(EXIT)).isEqualTo(2);
                assertThat(agent.output()).contains("line 1: the value of LLM_MODEL opens a double quote that is never closed");
            }

            Files.writeString(workspace.resolve(".env"), "MINILAB_LOG_LEVEL=VERBOSE\n");
            try (ChildProcess agent = launcher.start(List.of("agent", "qa"), "bad-level")) {
                assertThat(agent.awaitExit(EXIT)).isEqualTo(1);
                assertThat(agent.output()).contains("MINILAB_LOG_LEVEL=VERBOSE is not valid: expected one of TRACE, DEBUG,"
                        + " INFO, WARN, ERROR, OFF");
            }
        }
    }
}
