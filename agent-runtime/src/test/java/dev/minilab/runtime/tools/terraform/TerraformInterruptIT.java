package dev.minilab.runtime.tools.terraform;

import static dev.minilab.runtime.tools.terraform.RealTerraform.call;
import static dev.minilab.runtime.tools.terraform.RealTerraform.callAsync;
import static dev.minilab.runtime.tools.terraform.RealTerraform.init;
import static dev.minilab.runtime.tools.terraform.RealTerraform.plan;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolResult;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 19, finding 1, against the real terraform: STOP and time-outs interrupt terraform so it writes its state and
 * releases its lock; any apply attempt uses its plan up; what a run killed anyway leaves is reported with the way
 * back. Resources run {@code sleep 120} after marking that they started, so the interrupt lands mid-apply.
 */
class TerraformInterruptIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path workspace;
    RealTerraform terraform;

    @BeforeEach
    void realTerraform() throws IOException {
        assumeTrue(RealTerraform.available(), "these findings need the real terraform on PATH");
        terraform = new RealTerraform(workspace);
    }

    private String slowModule(String name) throws IOException {
        return terraform.module(name, terraform.mark(name) + "; sleep 120");
    }

    private JsonNode state(String module) throws IOException {
        return JSON.readTree(terraform.dir(module).resolve("terraform.tfstate").toFile());
    }

    @ParameterizedTest(name = "provisioner: {0}")
    @ValueSource(strings = {"sleep 120", "trap '' INT; sleep 120"})
    void stopMidApplyLetsTerraformWriteStateAndReleaseTheLockAndUsesThePlanUp(String provisioner) throws Exception {
        Tool tf = terraform.tool();
        String module = terraform.module("slow", terraform.mark("slow") + "; " + provisioner);
        init(tf, module);
        String id = plan(tf, module);
        Cancellation stop = Cancellation.create();
        CompletableFuture<ToolResult> apply = callAsync(tf, Map.of("module_dir", module, "command", "apply",
                "plan_id", id), stop);
        await().atMost(Duration.ofSeconds(60)).until(() -> terraform.runs("slow") == 1);

        long stoppedAt = System.nanoTime();
        stop.cancel();
        ToolResult stopped = apply.get(90, TimeUnit.SECONDS);
        Duration stopToResult = Duration.ofNanos(System.nanoTime() - stoppedAt);
        ToolResult again = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", id));

        System.out.println("STOP to result with the real terraform, provisioner '" + provisioner + "': "
                + stopToResult.toMillis() + " ms");
        assertThat(stopToResult).as("terraform ended by itself, long before the grace").isLessThan(Duration.ofSeconds(30));
        assertThat(stopped.exitCode()).isEqualTo(130);
        assertThat(stopped.output()).contains("stopped by STOP: terraform got SIGINT and ended by itself",
                "plan " + id + " is used up");
        // The interrupt reached terraform's run: its own "Interrupt received" line, or - when the provisioner's shell,
        // in the same process group, dies of the SIGINT first and terraform's apply ends on that error before its
        // signal handler prints (seen once at load average ~20) - the provisioner's "signal: interrupt".
        // (terraform wraps its error text, so whitespace is normalised first).
        assertThat(stopped.output().replaceAll("\\s+", " ")).containsAnyOf("Interrupt received", "signal: interrupt");
        JsonNode instance = state(module).path("resources").path(0).path("instances").path(0);
        assertThat(instance.path("status").asText()).as("terraform recorded the half-made resource").isEqualTo("tainted");
        assertThat(terraform.dir(module).resolve(".terraform.tfstate.lock.info")).as("lock released").doesNotExist();
        assertThat(again.isError()).isTrue();
        assertThat(again.output()).contains("plan " + id + " was used by an apply attempt");
        assertThat(terraform.runs("slow")).as("the side effect ran once").isEqualTo(1);
    }

    @Test
    void aTimeOutInterruptsTerraformTheSameWay() throws Exception {
        String module = slowModule("late");
        Tool planner = terraform.tool();
        init(planner, module);
        String id = plan(planner, module);
        Tool shortTimeout = terraform.tool(Duration.ofSeconds(15), Terraform.DEFAULT_INTERRUPT_GRACE,
                PlanGate.OPEN);

        ToolResult timedOut = call(shortTimeout, Map.of("module_dir", module, "command", "apply", "plan_id", id));

        assertThat(timedOut.exitCode()).isEqualTo(124);
        assertThat(timedOut.output()).contains("timed out after 15 s: terraform got SIGINT and ended by itself");
        assertThat(state(module).path("resources").path(0).path("instances").path(0).path("status").asText())
                .isEqualTo("tainted");
        assertThat(terraform.dir(module).resolve(".terraform.tfstate.lock.info")).doesNotExist();
        assertThat(terraform.runs("late")).isEqualTo(1);
    }

    @Test
    void aRunKilledAnywayIsReportedAndAnEmptyStateStopsTheNextPlan() throws Exception {
        // No grace: the kill that a terraform stuck past its grace gets (and what STOP did before issue 19).
        Tool noGrace = terraform.tool(Duration.ofSeconds(300), Duration.ZERO, PlanGate.OPEN);
        String module = slowModule("killed");
        init(noGrace, module);
        String id = plan(noGrace, module);
        Cancellation stop = Cancellation.create();
        CompletableFuture<ToolResult> apply = callAsync(noGrace, Map.of("module_dir", module, "command", "apply",
                "plan_id", id), stop);
        await().atMost(Duration.ofSeconds(60)).until(() -> terraform.runs("killed") == 1);

        stop.cancel();
        ToolResult killed = apply.get(60, TimeUnit.SECONDS);
        ToolResult replan = call(noGrace, Map.of("module_dir", module, "command", "plan"));

        assertThat(terraform.dir(module).resolve("terraform.tfstate")).as("what SIGKILL leaves").isEmptyFile();
        assertThat(killed.output()).contains("process tree was KILLED", "terraform.tfstate is EMPTY",
                "create everything again", "no terraform.tfstate.backup exists", "local lock file");
        assertThat(replan.isError()).isTrue();
        assertThat(replan.output()).contains("terraform.tfstate is EMPTY").doesNotContain("1 to add");
        assertThat(terraform.runs("killed")).isEqualTo(1);
    }

    @Test
    void aRemoteLockLeftByAKilledRunIsNamedWithItsRecoveryAndReleasedOnlyOnRequest() throws Exception {
        try (HttpStateBackend backend = new HttpStateBackend()) {
            Tool noGrace = terraform.tool(Duration.ofSeconds(300), Duration.ZERO, PlanGate.OPEN);
            String module = terraform.moduleWith("remote", backend.terraformBlock(),
                    terraform.mark("remote") + "; sleep 120");
            init(noGrace, module);
            String id = plan(noGrace, module);
            Cancellation stop = Cancellation.create();
            CompletableFuture<ToolResult> apply = callAsync(noGrace, Map.of("module_dir", module, "command", "apply",
                    "plan_id", id), stop);
            await().atMost(Duration.ofSeconds(60)).until(() -> terraform.runs("remote") == 1);
            stop.cancel();
            apply.get(60, TimeUnit.SECONDS);
            assertThat(backend.locked()).as("the killed run's lock outlives it").isTrue();

            ToolResult blocked = call(noGrace, Map.of("module_dir", module, "command", "plan"));
            Matcher step = Pattern.compile("command=\"force-unlock\", lock_id=\"([^\"]+)\"").matcher(blocked.output());
            assertThat(step.find()).as(blocked.output()).isTrue();
            assertThat(backend.locked()).as("MiniLab never unlocks by itself").isTrue();
            ToolResult wrongId = call(noGrace, Map.of("module_dir", module, "command", "force-unlock"));
            ToolResult unlocked = call(noGrace, Map.of("module_dir", module, "command", "force-unlock",
                    "lock_id", step.group(1)));
            ToolResult replan = call(noGrace, Map.of("module_dir", module, "command", "plan"));

            assertThat(blocked.isError()).isTrue();
            assertThat(blocked.output()).contains("Error acquiring the state lock",
                    "run_terraform(module_dir=\"generated_iac/infra/remote\", command=\"force-unlock\"");
            assertThat(wrongId.output()).contains("force-unlock needs lock_id");
            assertThat(unlocked.status()).as(unlocked.output()).isEqualTo(ToolResult.Status.OK);
            assertThat(backend.locked()).isFalse();
            assertThat(replan.status()).as(replan.output()).isEqualTo(ToolResult.Status.OK);
        }
    }
}
