package dev.minilab.runtime.approval;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.BusSettings;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.discipline.DisciplineKeys;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.security.SignatureGuard;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.review.ReviewPlanTool;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.RedisExtension;
import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The approval gate (LESSONS row 13) on the real path: DevOps_Builder's run_terraform with the real terraform binary
 * ({@code terraform_data} with a {@code local-exec} that leaves a marker file, so an apply is seen by its side
 * effect), Security_Sentinel's review_plan in a process of its own (own bus, own signing key), a real Redis.
 */
@ExtendWith(RedisExtension.class)
class ApprovalGateIT {

    private static final List<String> SENDERS = List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel",
            "QA_Tester", "User");
    private static final Pattern PLAN_ID = Pattern.compile("plan_id: ([0-9a-f]{16})");

    @TempDir
    static Path keys;
    private final RedisServer redis;
    @TempDir
    Path workspace;
    private BusKeys busKeys;
    private final List<AutoCloseable> closeables = new ArrayList<>();
    private Tool terraform;
    private Tool reviewPlan;
    private PlanReviews devopsReviews;
    private TeamBus devopsBus;

    ApprovalGateIT(RedisServer redis) {
        this.redis = redis;
    }

    @BeforeAll
    static void createKeys() {
        KeyGenerator.generate(keys, SENDERS);
    }

    @BeforeEach
    void setUp() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        busKeys = new BusKeys(redis.namespace() + UUID.randomUUID() + ":");
        Files.createDirectories(workspace.resolve("tmp"));
        devopsBus = bus("DevOps_Builder");
        devopsReviews = new PlanReviews("DevOps_Builder", Approver.SECURITY, devopsBus, s -> s);
        Map<String, String> env = Map.of("PATH", System.getenv("PATH"), "HOME", workspace.resolve(".home").toString());
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env)
                .withTerraformCommand(TerraformStandIn.realTerraform().orElseThrow().toString());
        terraform = new Toolbox(settings, Redactor.fromEnv(env)).runTerraform(devopsReviews);
        reviewPlan = new ReviewPlanTool(new PlanReviews("Security_Sentinel", Approver.SECURITY,
                bus("Security_Sentinel"), s -> s));
    }

    @AfterEach
    void tearDown() throws Exception {
        for (AutoCloseable closeable : closeables.reversed()) {
            closeable.close();
        }
    }

    @Test
    void applyWithoutApprovalIsRefusedAndNothingRuns() throws Exception {
        String module = module("web", "web-applied");
        String planId = plan(module);

        ToolResult apply = apply(module, planId);

        assertThat(apply.isError()).isTrue();
        assertThat(apply.output()).contains("apply refused by the approval gate").contains("has no verdict yet")
                .contains("@Security_Sentinel");
        assertThat(marker("web-applied")).doesNotExist();
        assertThat(workspace.resolve(module).resolve("terraform.tfstate")).doesNotExist();
    }

    @Test
    void approvedPlanIsAppliedAndTheApprovalOfPlanADoesNotAllowPlanB() throws Exception {
        String a = module("a", "a-applied");
        String b = module("b", "b-applied");
        String planA = plan(a);
        String planB = plan(b);

        ToolResult approval = review(planA, "APPROVED", "");
        ToolResult applyB = apply(b, planB);
        ToolResult applyA = apply(a, planA);

        assertThat(approval.isError()).as(approval.output()).isFalse();
        assertThat(applyB.isError()).isTrue();
        assertThat(applyB.output()).contains("plan " + planB + " has no verdict yet");
        assertThat(marker("b-applied")).doesNotExist();
        assertThat(applyA.isError()).as(applyA.output()).isFalse();
        assertThat(marker("a-applied")).exists();
    }

    @Test
    void aNewPlanOfTheSameModuleVoidsTheEarlierApproval() throws Exception {
        String web = module("web", "web-applied");
        String first = plan(web);
        review(first, "APPROVED", "");
        Files.writeString(workspace.resolve(web).resolve("extra.tf"), "resource \"terraform_data\" \"extra\" {}\n");
        String second = plan(web);

        ToolResult applyFirst = apply(web, first);
        ToolResult applySecond = apply(web, second);

        assertThat(second).isNotEqualTo(first);
        assertThat(applyFirst.output()).contains("superseded by plan " + second);
        assertThat(applySecond.output()).contains("has no verdict yet");
        assertThat(marker("web-applied")).doesNotExist();
    }

    @Test
    void aDestroyIsAPlanLikeAnyOtherAndNeedsItsOwnApproval() throws Exception {
        String web = module("web", "web-applied");
        String create = plan(web);
        review(create, "APPROVED", "");
        assertThat(apply(web, create).isError()).isFalse();

        ToolResult destroyPlan = call(terraform, Map.of("module_dir", web, "command", "destroy", "confirm_destroy",
                true));
        Matcher m = PLAN_ID.matcher(destroyPlan.output());
        assertThat(m.find()).as(destroyPlan.output()).isTrue();
        String destroy = m.group(1);
        ToolResult withoutVerdict = call(terraform, Map.of("module_dir", web, "command", "apply", "plan_id", destroy,
                "confirm_destroy", true));
        ToolResult reapplyCreate = apply(web, create);
        String stateBefore = Files.readString(workspace.resolve(web).resolve("terraform.tfstate"));
        ToolResult approval = review(destroy, "APPROVED", "");
        ToolResult destroyed = call(terraform, Map.of("module_dir", web, "command", "apply", "plan_id", destroy,
                "confirm_destroy", true));

        assertThat(destroyPlan.output()).contains("Approval gate: this plan must be APPROVED before apply")
                .contains("(a DESTROY plan)");
        assertThat(withoutVerdict.isError()).isTrue();
        assertThat(withoutVerdict.output()).contains("apply refused by the approval gate")
                .contains("plan " + destroy + " has no verdict yet");
        assertThat(stateBefore).as("the refused destroy removed nothing").contains("terraform_data");
        assertThat(reapplyCreate.isError()).isTrue();
        assertThat(approval.isError()).as(approval.output()).isFalse();
        assertThat(destroyed.isError()).as(destroyed.output()).isFalse();
        assertThat(destroyed.output()).contains("Apply complete! Resources: 0 added, 0 changed, 1 destroyed.");
    }

    @Test
    void aForgedVerdictWrittenIntoRedisDoesNotCount() throws Exception {
        String web = module("web", "web-applied");
        String planId = plan(web);
        String content = new VerdictText(planId, Verdict.APPROVED, web, "").render();
        // 1. claims to be Security_Sentinel but carries no signature
        Message unsigned = Message.chatTo("Security_Sentinel", content, List.of("DevOps_Builder")).withSeq(99);
        devopsBus.commands().hset(DisciplineKeys.of(busKeys).verdicts(), planId, MessageCodec.encode(unsigned));
        ToolResult withUnsigned = apply(web, planId);
        // 2. validly signed, but by DevOps_Builder itself (its own key), not by the approver
        Message selfSigned = devopsBus.guard().seal(Message.chatTo("DevOps_Builder", content, List.of("User")));
        devopsBus.commands().hset(DisciplineKeys.of(busKeys).verdicts(), planId, MessageCodec.encode(selfSigned));
        ToolResult withSelfSigned = apply(web, planId);
        // 3. a genuine Security_Sentinel signature over other words, with the content swapped afterwards
        Message genuine = bus("Security_Sentinel").guard().seal(Message.chatTo("Security_Sentinel",
                new VerdictText(planId, Verdict.CHANGES_REQUESTED, web, "1. no").render(), List.of("DevOps_Builder")));
        devopsBus.commands().hset(DisciplineKeys.of(busKeys).verdicts(), planId,
                MessageCodec.encode(genuine.withContent(content)));
        ToolResult withTampered = apply(web, planId);

        assertThat(withUnsigned.output()).contains("does not count").contains("not a valid signed message");
        assertThat(withSelfSigned.output()).contains("does not count").contains("only Security_Sentinel's verdict");
        assertThat(withTampered.output()).contains("does not count").contains("not a valid signed message");
        assertThat(marker("web-applied")).doesNotExist();
    }

    @Test
    void threeChangesRequestedOnOneModuleSendTheMatterToTheUser() throws Exception {
        String web = module("web", "web-applied");
        List<Message> channel = new java.util.concurrent.CopyOnWriteArrayList<>();
        TeamBus observer = bus("User");
        observer.subscribe(channel::add);
        String planId = null;
        for (int round = 1; round <= 3; round++) {
            Files.writeString(workspace.resolve(web).resolve("round.tf"),
                    "resource \"terraform_data\" \"round\" { input = \"" + round + "\" }\n");
            planId = plan(web);
            ToolResult verdict = review(planId, "CHANGES_REQUESTED", "1. port 22 open to the world (round " + round + ")");
            assertThat(verdict.isError()).as(verdict.output()).isFalse();
        }
        String lastPlan = planId;
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> channel.stream()
                .anyMatch(m -> m.to().equals(List.of("User")) && m.content().contains("the User decides now")));

        ToolResult fourth = review(lastPlan, "APPROVED", "");
        ToolResult applyRefused = apply(web, lastPlan);
        PlanReviews user = new PlanReviews("User", Approver.SECURITY, observer, s -> s);
        PlanReviews.Outcome userApproval = user.review(lastPlan, Verdict.APPROVED, "");
        ToolResult applied = apply(web, lastPlan);

        assertThat(fourth.isError()).isTrue();
        assertThat(fourth.output()).contains("the User decides on plans of " + web);
        assertThat(applyRefused.output()).contains("/approve " + lastPlan);
        assertThat(userApproval).isInstanceOf(PlanReviews.Outcome.Recorded.class);
        assertThat(applied.isError()).as(applied.output()).isFalse();
        assertThat(marker("web-applied")).exists();
        assertThat(devopsReviews.approverFor(web)).isEqualTo("Security_Sentinel"); // the User's approval reset it
    }

    @Test
    void planPostsAStatusLineWithTheIdAndTheChanges() throws Exception {
        List<Message> channel = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus("QA_Tester").subscribe(channel::add);
        String web = module("web", "web-applied");

        String planId = plan(web);

        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> channel.stream()
                .anyMatch(m -> m.content().contains(planId)));
        assertThat(channel).filteredOn(m -> m.content().contains(planId)).singleElement().satisfies(m -> {
            assertThat(m.sender()).isEqualTo("DevOps_Builder");
            assertThat(m.kind()).isEqualTo(dev.minilab.runtime.bus.MessageKind.STATUS);
            assertThat(m.content()).contains("planned " + web).contains("1 to add, 0 to change, 0 to destroy")
                    .contains("Security_Sentinel reviews it with review_plan");
        });
        assertThat(devopsReviews.record(planId)).hasValueSatisfying(r -> {
            assertThat(r.plan().plannedBy()).isEqualTo("DevOps_Builder");
            assertThat(r.plan().add()).isEqualTo(1);
            assertThat(r.created()).isBefore(Instant.now().plusSeconds(1));
        });
    }

    @Test
    void forceUnlockRunsOnlyAfterTheApproverApprovedThatUnlockRequest() throws Exception {
        List<Message> channel = new java.util.concurrent.CopyOnWriteArrayList<>();
        bus("QA_Tester").subscribe(channel::add);
        String web = module("web", "web-applied");
        String planId = plan(web);
        assertThat(review(planId, "APPROVED", "").isError()).isFalse();
        Map<String, String> unlock = Map.of("module_dir", web, "command", "force-unlock", "lock_id",
                "0b1c2d3e-aaaa-bbbb-cccc-111122223333");

        ToolResult first = call(terraform, unlock);
        Matcher request = Pattern.compile("recorded as request ([0-9a-f]{16})").matcher(first.output());
        assertThat(request.find()).as(first.output()).isTrue();
        String requestId = request.group(1);
        ToolResult again = call(terraform, unlock);
        ToolResult approval = review(requestId, "APPROVED", "");
        ToolResult otherLock = call(terraform, Map.of("module_dir", web, "command", "force-unlock", "lock_id",
                "99999999-aaaa-bbbb-cccc-111122223333"));
        assertThat(review(unlockRequestIdOf(otherLock), "APPROVED", "").isError()).isFalse();
        ToolResult approvedUnlock = call(terraform, unlock);

        // An approved plan does not approve an unlock; the request voids that plan's approval.
        assertThat(first.isError()).isTrue();
        assertThat(first.output()).contains("force-unlock refused by the approval gate", "needs approval first",
                "@Security_Sentinel");
        assertThat(apply(web, planId).output()).contains("superseded");
        assertThat(again.output()).contains("force-unlock request " + requestId, "has no verdict yet");
        assertThat(approval.isError()).as(approval.output()).isFalse();
        // Each lock id is its own request: approving another one did not carry over to this one's...
        assertThat(otherLock.output()).contains("needs approval first").doesNotContain(requestId);
        // ...and the newest request of the module is the only one that counts.
        assertThat(approvedUnlock.output()).contains("force-unlock refused by the approval gate");
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> channel.stream()
                .anyMatch(m -> m.content().contains("FORCE-UNLOCK") && m.content().contains(requestId)));
        assertThat(marker("web-applied")).doesNotExist();
    }

    @Test
    void anApprovedForceUnlockReachesTerraform() throws Exception {
        String web = module("web", "web-applied");
        Map<String, String> unlock = Map.of("module_dir", web, "command", "force-unlock", "lock_id",
                "0b1c2d3e-aaaa-bbbb-cccc-111122223333");

        ToolResult refused = call(terraform, unlock);
        ToolResult approval = review(unlockRequestIdOf(refused), "APPROVED", "");
        ToolResult unlocked = call(terraform, unlock);

        assertThat(refused.output()).contains("force-unlock refused by the approval gate");
        assertThat(approval.isError()).as(approval.output()).isFalse();
        // Terraform itself answers now (the local state holds no lock here), not the gate.
        assertThat(unlocked.output()).as(unlocked.output()).doesNotContain("approval gate")
                .contains("LocalState not locked");
    }

    private static String unlockRequestIdOf(ToolResult refusal) {
        Matcher request = Pattern.compile("recorded as request ([0-9a-f]{16})").matcher(refusal.output());
        assertThat(request.find()).as(refusal.output()).isTrue();
        return request.group(1);
    }

    // ---- helpers ----

    private TeamBus bus(String sender) {
        SignatureGuard guard = SignatureGuard.fromEnv(Map.of(
                "MINILAB_PRIVATE_KEY", KeyGenerator.privateKeyFile(keys, sender).toString(),
                "MINILAB_PUBLIC_KEYS", KeyGenerator.publicKeysDir(keys).toString()), sender);
        TeamBus bus = TeamBus.connect(new BusSettings(redis.uri(), 80, busKeys, Duration.ofSeconds(5)), guard);
        closeables.add(bus);
        return bus;
    }

    /** A module whose apply runs a local-exec that creates {@code marker} in the workspace. */
    private String module(String name, String marker) throws Exception {
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra").resolve(name));
        Files.writeString(dir.resolve("main.tf"), """
                resource "terraform_data" "web" {
                  provisioner "local-exec" {
                    command = "touch %s"
                  }
                }
                """.formatted(marker(marker)));
        ToolResult init = call(terraform, Map.of("module_dir", "generated_iac/infra/" + name, "command", "init"));
        assertThat(init.isError()).as(init.output()).isFalse();
        return "generated_iac/infra/" + name;
    }

    private Path marker(String name) {
        return workspace.resolve("tmp").resolve(name);
    }

    private String plan(String module) {
        ToolResult plan = call(terraform, Map.of("module_dir", module, "command", "plan"));
        assertThat(plan.isError()).as(plan.output()).isFalse();
        Matcher m = PLAN_ID.matcher(plan.output());
        assertThat(m.find()).as(plan.output()).isTrue();
        assertThat(plan.output()).contains("Approval gate: this plan must be APPROVED before apply");
        return m.group(1);
    }

    private ToolResult apply(String module, String planId) {
        return call(terraform, Map.of("module_dir", module, "command", "apply", "plan_id", planId));
    }

    private ToolResult review(String planId, String verdict, String findings) {
        return reviewPlan.execute(ToolArguments.of(Map.of("plan_id", planId, "verdict", verdict, "findings", findings)),
                ToolContext.of("Security_Sentinel"));
    }

    private static ToolResult call(Tool tool, Map<String, ?> args) {
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }
}
