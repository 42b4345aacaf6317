package dev.minilab.runtime.tools.terraform;

import static dev.minilab.runtime.tools.terraform.RealTerraform.call;
import static dev.minilab.runtime.tools.terraform.RealTerraform.init;
import static dev.minilab.runtime.tools.terraform.RealTerraform.plan;
import static dev.minilab.runtime.tools.terraform.RealTerraform.planId;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolResult;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 19, findings 2-5, against the real terraform: what apply runs is exactly what was planned and reviewed, and
 * a plan that deletes anything says so and needs confirm_destroy.
 */
class TerraformPlanIntegrityIT {

    @TempDir
    Path workspace;
    RealTerraform terraform;
    Tool tf;

    @BeforeEach
    void realTerraform() throws IOException {
        assumeTrue(RealTerraform.available(), "these findings need the real terraform on PATH");
        terraform = new RealTerraform(workspace);
        tf = terraform.tool();
    }

    // ---- finding 2: apply trusted writable side files ----

    @Test
    void anotherPlanCopiedOverAReviewedPlansFilesIsRefused() throws Exception {
        String module = terraform.module("web", "echo reviewed >> " + terraform.marks.resolve("web"));
        Path mainTf = terraform.dir(module).resolve("main.tf");
        init(tf, module);
        String reviewedId = plan(tf, module);
        Files.writeString(mainTf, Files.readString(mainTf).replace("reviewed", "evil"));
        String evilId = plan(tf, module);
        Files.writeString(mainTf, Files.readString(mainTf).replace("evil", "reviewed"));
        // The attack: every stored file of the other plan copied over the reviewed plan's, hash fields included.
        Path plans = workspace.resolve(".minilab/plans");
        try (Stream<Path> files = Files.walk(plans)) {
            for (Path evil : files.filter(Files::isRegularFile).filter(p -> p.toString().contains(evilId)).toList()) {
                Path target = Path.of(evil.toString().replace(evilId, reviewedId));
                Files.createDirectories(target.getParent());
                Files.copy(evil, target, StandardCopyOption.REPLACE_EXISTING);
            }
        }

        ToolResult apply = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", reviewedId));

        assertThat(apply.isError()).as(apply.output()).isTrue();
        assertThat(apply.output()).contains("plan " + reviewedId + " was changed after it was made", "nothing ran");
        assertThat(terraform.runs("web")).as("neither plan ran").isZero();
    }

    @Test
    void aRecordEditedToHideADeletionIsRefused() throws Exception {
        String module = terraform.module("edit", terraform.mark("edit"));
        init(tf, module);
        assertThat(call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", plan(tf, module))).status())
                .isEqualTo(ToolResult.Status.OK);
        String replaceId = plan(tf, module, "-replace=terraform_data.side_effect");
        Path record = workspace.resolve(".minilab/plans/" + replaceId + "/record.properties");
        Files.writeString(record, Files.readString(record).replace("to_destroy=1", "to_destroy=0")
                .replaceAll("(?m)^destroyed\\.0=.*$", ""));

        ToolResult apply = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", replaceId));

        assertThat(apply.isError()).isTrue();
        assertThat(apply.output()).contains("its record no longer hashes to its id");
        assertThat(terraform.runs("edit")).isEqualTo(1);
    }

    // ---- finding 3: the plan id covers what apply runs ----

    @Test
    void aProvisionerScriptChangedAfterPlanningIsRefused() throws Exception {
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra/post"));
        Files.writeString(dir.resolve("main.tf"), """
                resource "terraform_data" "post" {
                  input = "v1"
                  provisioner "local-exec" {
                    command = file("post.sh")
                  }
                }
                """);
        Files.writeString(dir.resolve("post.sh"), "echo reviewed >> " + terraform.marks.resolve("post") + "\n");
        String module = "generated_iac/infra/post";
        init(tf, module);
        String id = plan(tf, module);
        Files.writeString(dir.resolve("post.sh"), "echo changed-after-review >> " + terraform.marks.resolve("post")
                + "\n");

        ToolResult apply = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", id));
        Files.writeString(dir.resolve("post.sh"), "echo reviewed >> " + terraform.marks.resolve("post") + "\n");
        ToolResult restored = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", id));

        assertThat(apply.isError()).as(apply.output()).isTrue();
        assertThat(apply.output()).contains("post.sh (changed)", "changed since plan", "Nothing ran");
        assertThat(restored.status()).as("the same plan applies once the reviewed script is back: " + restored.output())
                .isEqualTo(ToolResult.Status.OK);
        assertThat(Files.readAllLines(terraform.marks.resolve("post"))).containsExactly("reviewed");
    }

    @Test
    void aScriptInALocalChildModuleOutsideTheFolderIsCoveredToo() throws Exception {
        Path child = Files.createDirectories(workspace.resolve("generated_iac/infra/modules/hook"));
        Files.writeString(child.resolve("main.tf"), """
                resource "terraform_data" "hook" {
                  provisioner "local-exec" {
                    command = file("${path.module}/hook.sh")
                  }
                }
                """);
        Files.writeString(child.resolve("hook.sh"), "echo reviewed >> " + terraform.marks.resolve("hook") + "\n");
        Path root = Files.createDirectories(workspace.resolve("generated_iac/infra/site"));
        Files.writeString(root.resolve("main.tf"), "module \"hook\" {\n  source = \"../modules/hook\"\n}\n");
        String module = "generated_iac/infra/site";
        init(tf, module);
        String id = plan(tf, module);
        Files.writeString(child.resolve("hook.sh"), "echo changed >> " + terraform.marks.resolve("hook") + "\n");

        ToolResult apply = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", id));

        assertThat(apply.isError()).as(apply.output()).isTrue();
        assertThat(apply.output()).contains("../modules/hook/hook.sh (changed)");
        assertThat(terraform.runs("hook")).isZero();
    }

    // ---- finding 4: any delete needs confirm_destroy ----

    @Test
    void aReplacePlanIsLabelledAndNeedsConfirmDestroy() throws Exception {
        String module = terraform.module("rep", terraform.mark("rep"));
        init(tf, module);
        assertThat(call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", plan(tf, module))).status())
                .isEqualTo(ToolResult.Status.OK);

        ToolResult replacePlan = call(tf, Map.of("module_dir", module, "command", "plan",
                "args", List.of("-replace=terraform_data.side_effect")));
        String replaceId = planId(replacePlan);
        ToolResult unconfirmed = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", replaceId));
        long runsAfterRefusal = terraform.runs("rep");
        ToolResult confirmed = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", replaceId,
                "confirm_destroy", true));

        assertThat(replacePlan.output()).contains("1 to add, 0 to change, 1 to destroy",
                "DESTROYS 1 resource(s): terraform_data.side_effect (replace)", "confirm_destroy=true");
        assertThat(unconfirmed.isError()).as(unconfirmed.output()).isTrue();
        assertThat(unconfirmed.output()).contains("DESTROYS terraform_data.side_effect (replace)", "confirm_destroy=true",
                "the plan is still valid");
        assertThat(runsAfterRefusal).as("no second creation without confirmation").isEqualTo(1);
        assertThat(confirmed.status()).as(confirmed.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(terraform.runs("rep")).isEqualTo(2);
    }

    @Test
    void aPlanThatDeletesARemovedResourceIsLabelledAndNeedsConfirmDestroy() throws Exception {
        String module = terraform.module("gone", terraform.mark("gone"));
        init(tf, module);
        assertThat(call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", plan(tf, module))).status())
                .isEqualTo(ToolResult.Status.OK);
        Files.writeString(terraform.dir(module).resolve("main.tf"), "output \"nothing\" {\n  value = \"left\"\n}\n");

        ToolResult deletePlan = call(tf, Map.of("module_dir", module, "command", "plan"));
        String deleteId = planId(deletePlan);
        ToolResult unconfirmed = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", deleteId));
        ToolResult confirmed = call(tf, Map.of("module_dir", module, "command", "apply", "plan_id", deleteId,
                "confirm_destroy", true));

        assertThat(deletePlan.output()).contains("1 to destroy", "DESTROYS 1 resource(s): terraform_data.side_effect");
        assertThat(unconfirmed.isError()).as(unconfirmed.output()).isTrue();
        assertThat(unconfirmed.output()).contains("confirm_destroy");
        assertThat(confirmed.status()).as(confirmed.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(confirmed.output()).contains("1 destroyed");
    }

    // ---- finding 5: identical modules ----

    @Test
    void identicalModulesInTwoFoldersKeepTwoPlans() throws Exception {
        String a = terraform.module("a", terraform.mark("same"));
        String b = terraform.module("b", terraform.mark("same"));
        init(tf, a);
        init(tf, b);
        String idA = plan(tf, a);
        String idB = plan(tf, b);

        ToolResult applyA = call(tf, Map.of("module_dir", a, "command", "apply", "plan_id", idA));
        ToolResult applyB = call(tf, Map.of("module_dir", b, "command", "apply", "plan_id", idB));

        assertThat(idA).isNotEqualTo(idB);
        assertThat(applyA.status()).as(applyA.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(applyB.status()).as(applyB.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(terraform.runs("same")).isEqualTo(2);
    }

    // ---- the approval gate's view ----

    @Test
    void theGateSeesEachPlanAndARefusedApplyLeavesThePlanUsable() throws Exception {
        List<PlanGate.Plan> planned = new ArrayList<>();
        List<String> refusals = new ArrayList<>(List.of("not approved yet"));
        Tool gated = terraform.tool(Duration.ofSeconds(300), Terraform.DEFAULT_INTERRUPT_GRACE, new PlanGate() {
            @Override
            public String planned(PlanGate.Plan plan) {
                planned.add(plan);
                return "Security_Sentinel must approve it";
            }

            @Override
            public Optional<String> refuseApply(String planId, String module) {
                return refusals.isEmpty() ? Optional.empty() : Optional.of(refusals.removeFirst());
            }
        });
        String module = terraform.module("gate", terraform.mark("gate"));
        init(gated, module);
        ToolResult planResult = call(gated, Map.of("module_dir", module, "command", "plan"));
        String id = planId(planResult);

        ToolResult refused = call(gated, Map.of("module_dir", module, "command", "apply", "plan_id", id));
        ToolResult approved = call(gated, Map.of("module_dir", module, "command", "apply", "plan_id", id));

        assertThat(planned).containsExactly(new PlanGate.Plan(id, module, 1, 0, 0, false, "DevOps_Builder"));
        assertThat(planResult.output()).contains("Security_Sentinel must approve it");
        assertThat(refused.output()).contains("apply refused by the approval gate: not approved yet",
                "still valid");
        assertThat(approved.status()).as(approved.output()).isEqualTo(ToolResult.Status.OK);
        assertThat(terraform.runs("gate")).isEqualTo(1);
    }

    @Test
    void theEnginesRecordOfAPlanIsVerifiedAgainstItsId() throws Exception {
        String module = terraform.module("rec", terraform.mark("rec"));
        init(tf, module);
        String id = plan(tf, module);
        Terraform engine = new Terraform(new dev.minilab.runtime.sandbox.ProcessRunner(), "terraform", Map.of(),
                Duration.ofSeconds(60), new PlanStore(workspace.resolve(".minilab/plans")));

        PlanRecord record = engine.planRecord(terraform.dir(module), new PlanId(id));

        assertThat(record.id().value()).isEqualTo(id);
        assertThat(record.moduleDir()).isEqualTo(terraform.dir(module).toAbsolutePath().normalize());
        assertThat(record.counts()).isEqualTo("1 to add, 0 to change, 0 to destroy");
        assertThat(record.destroys()).isFalse();
        assertThat(record.plannedBy()).isEqualTo("DevOps_Builder");
        assertThat(record.summary()).isEqualTo("1 to add, 0 to change, 0 to destroy");
    }
}
