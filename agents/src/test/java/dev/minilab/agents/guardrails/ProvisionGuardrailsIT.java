package dev.minilab.agents.guardrails;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.agents.Role;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import dev.minilab.testkit.LxcModuleStandIn;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TerraformStandIn;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The {@code provision} tool inside the team, wired by {@code AgentAssembly} as the agent main wires it: its real
 * target's plans pass the team's approval gate (Security_Sentinel's verdict through {@code review_plan}, scripted),
 * and its diagnosis calls go through the team's guardrails (budget, metrics, {@code agent_usage}) like the agent's
 * own calls, priced by the one price table. Real Redis, real terraform on a {@code terraform_data} module under the
 * bwrap sandbox, the scripted LLM through the real langchain4j client.
 */
class ProvisionGuardrailsIT {

    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final Pattern REVIEW = Pattern.compile("review_plan\\(plan_id=\"([0-9a-f]{16})\"");
    private static final String REAL_SPEC = "{\"spec\": {\"name\": \"web\", \"kind\": \"lxc\", \"variables\": "
            + "{\"node_name\": \"pve1\", \"hostname\": \"web\", \"template_file_id\": \"unused\"}, "
            + "\"checks\": {\"ssh\": false}}, \"target\": \"real\"}";
    /** fail-simple on the simulated cluster: storage local-zfs does not exist, local-lvm does. */
    private static final String FAIL_SIMPLE = "{\"spec\": {\"name\": \"web\", \"kind\": \"lxc\", \"variables\": "
            + "{\"node_name\": \"pve1\", \"hostname\": \"web\", \"instance_count\": 1, \"template_file_id\": "
            + "\"local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst\", \"datastore_id\": \"local-zfs\", "
            + "\"bridge\": \"vmbr0\", \"cores\": 1, \"memory\": 512, \"disk_size\": 8}, "
            + "\"checks\": {\"os\": \"debian 12\", \"ssh_user\": \"root\"}}, \"target\": \"simulated\"}";
    private static final String FIX = "{\"cause\": \"storage local-zfs does not exist on pve1\", "
            + "\"changes\": {\"datastore_id\": \"local-lvm\"}}";

    @RegisterExtension
    final GuardedTeamFixture fixture = new GuardedTeamFixture();
    private final ScriptedLlmServer llm = fixture.llm();
    private final Path workspace = fixture.workspace();

    @Test
    void provisionAppliesTheRealTargetsPlanOnlyAfterSecuritySentinelApprovesThatPlan() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        writeModule();
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("provision web").once())
                .reply(Reply.toolCall("provision", REAL_SPEC));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").once())
                .reply(Reply.text("@Architect_Zero provision of web finished"));
        llm.when(Rule.forRole("Security_Sentinel").lastMessageContains("provision waits for your review").once())
                .reply(r -> Reply.toolCall("review_plan", "{\"plan_id\": \"" + planIdIn(r) + "\", \"verdict\": "
                        + "\"APPROVED\", \"findings\": \"\"}"));
        fallbacks();
        GuardedTeam team = fixture.startTeam(Map.of("HOME", workspace.resolve(".home").toString()), "gpt-4o-mini",
                Role.ARCHITECT_ZERO, Role.DEVOPS_BUILDER, Role.SECURITY_SENTINEL);

        team.publish(Message.chat("User", "@DevOps_Builder provision web"));

        await().atMost(WAIT).until(() -> llm.requestsFor("DevOps_Builder").stream()
                .anyMatch(r -> "tool".equals(r.lastMessage().role())));
        RecordedRequest afterTool = llm.requestsFor("DevOps_Builder").stream()
                .filter(r -> "tool".equals(r.lastMessage().role())).findFirst().orElseThrow();
        RecordedRequest review = llm.requestsFor("Security_Sentinel").getFirst();
        String planId = planIdIn(review);
        assertThat(afterTool.lastMessage().content()).contains("provision web (terraform): SUCCESS");
        assertThat(team.executionLog(Role.DEVOPS_BUILDER)).contains("plan " + planId + " approved by "
                + "Security_Sentinel (signed APPROVED verdict on plan " + planId + ")");
        assertThat(marker()).as("the apply ran").exists();
        assertThat(team.statusLines()).anyMatch(s -> s.contains("DevOps_Builder planned "
                + "generated_iac/infra/deployments/web: plan " + planId));
        assertThat(team.chat()).anySatisfy(m -> {
            assertThat(m.sender()).isEqualTo("Security_Sentinel");
            assertThat(m.content()).startsWith("[review_plan] plan_id=" + planId + " verdict=APPROVED");
        });
    }

    @Test
    void provisionWithoutAVerdictAppliesNothing() throws Exception {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "real terraform on PATH");
        writeModule();
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("provision web").once())
                .reply(Reply.toolCall("provision", REAL_SPEC));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").once())
                .reply(Reply.text("@Architect_Zero provision of web was refused"));
        fallbacks();
        // Security_Sentinel is not running: nobody gives a verdict
        GuardedTeam team = fixture.startTeam(Map.of("HOME", workspace.resolve(".home").toString(),
                "PROVISION_APPROVAL_TIMEOUT_SECONDS", "3"), "gpt-4o-mini", Role.ARCHITECT_ZERO, Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "@DevOps_Builder provision web"));

        await().atMost(WAIT).until(() -> llm.requestsFor("DevOps_Builder").stream()
                .anyMatch(r -> "tool".equals(r.lastMessage().role())));
        RecordedRequest afterTool = llm.requestsFor("DevOps_Builder").stream()
                .filter(r -> "tool".equals(r.lastMessage().role())).findFirst().orElseThrow();
        assertThat(afterTool.lastMessage().content()).contains("FAILED").contains("refused by Security_Sentinel")
                .contains("no verdict on plan");
        assertThat(marker()).as("nothing was applied").doesNotExist();
        assertThat(workspace.resolve("generated_iac/infra/deployments/web/terraform.tfstate")).doesNotExist();
    }

    @Test
    void diagnosisCallsCountInTheAgentsMetricsUsageAndRequestBudget() {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("provision web").once())
                .reply(Reply.toolCall("provision", FAIL_SIMPLE).withUsage(1000, 100));
        llm.when(Rule.forRole("Provisioning_Diagnosis").once()).reply(Reply.text(FIX).withUsage(4000, 400));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").once())
                .reply(Reply.text("@Architect_Zero provisioned web").withUsage(2000, 200));
        fallbacks();
        GuardedTeam team = fixture.startTeam(Map.of(), "gpt-4o-mini", Role.ARCHITECT_ZERO, Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "@DevOps_Builder provision web"));

        await().atMost(WAIT).until(() -> team.chat().stream().anyMatch(m -> m.content().contains("provisioned web")));
        RecordedRequest afterTool = llm.requestsFor("DevOps_Builder").stream()
                .filter(r -> "tool".equals(r.lastMessage().role())).findFirst().orElseThrow();
        assertThat(afterTool.lastMessage().content()).contains("SUCCESS").contains("LLM calls: 1,")
                // the pipeline prices with the team's table: 4000 × $0.15 + 400 × $0.60 per 1M tokens
                .contains("cost: $0.0008");
        String metrics = team.agents.get(Role.DEVOPS_BUILDER).discipline().metrics().scrape();
        String labels = "\\{model=\"gpt-4o-mini\",role=\"DevOps_Builder\"}";
        // two agent calls + one diagnosis call: 7000 input and 700 output tokens
        assertThat(metrics).containsPattern("agent_llm_calls_total" + labels + " 3\\.0")
                .containsPattern("agent_llm_input_tokens_total" + labels + " 7000\\.0")
                .containsPattern("agent_llm_output_tokens_total" + labels + " 700\\.0")
                // 7000 × $0.15 + 700 × $0.60 per 1M tokens (gpt-4o-mini in the built-in price table)
                .containsPattern("agent_llm_cost_dollars_total" + labels + " 0\\.00147");
        // agent_usage holds one HINCRBY counter per role|model|field (issue 16: no lost read-modify-write)
        assertThat(team.observer.usage(List.of("DevOps_Builder"))).containsEntry("DevOps_Builder|gpt-4o-mini|input", "7000")
                .containsEntry("DevOps_Builder|gpt-4o-mini|output", "700")
                .containsEntry("DevOps_Builder|gpt-4o-mini|calls", "3");
        assertThat(team.requestState().get("tokens")).isEqualTo("7700");
    }

    @Test
    void aDiagnosisCallOverTheBudgetHaltsTheTeam() {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("provision web").once())
                .reply(Reply.toolCall("provision", FAIL_SIMPLE).withUsage(100, 10));
        // gpt-4o: 1,000,000 input tokens cost $2.50, over MAX_COST_USD=1.00
        llm.when(Rule.forRole("Provisioning_Diagnosis").once()).reply(Reply.text(FIX).withUsage(1_000_000, 10));
        llm.when(Rule.forRole("DevOps_Builder")).reply(Reply.text("@Architect_Zero should never be sent"));
        fallbacks();
        GuardedTeam team = fixture.startTeam(Map.of("MAX_COST_USD", "1.00"), "gpt-4o", Role.ARCHITECT_ZERO,
                Role.DEVOPS_BUILDER);

        team.publish(Message.chat("User", "@DevOps_Builder provision web"));

        await().atMost(WAIT).until(() -> team.toUser().stream().anyMatch(m -> m.content().startsWith("Budget")));
        await().atMost(WAIT).until(() -> team.executionLog(Role.DEVOPS_BUILDER).contains("**Outcome: halted**"));
        assertThat(team.toUser()).filteredOn(m -> m.content().startsWith("Budget")).singleElement()
                .extracting(Message::content).asString().startsWith("Budget reached: this request cost $2.50")
                .contains("DevOps_Builder: 1,000,120 tokens, $2.50");
        assertThat(team.requestState()).containsEntry("halted", "cost").containsEntry("halted_by", "DevOps_Builder");
        assertThat(llm.requestsFor("DevOps_Builder")).as("no agent call after the diagnosis spent the budget")
                .hasSize(1);
        assertThat(team.chat()).noneMatch(m -> m.content().contains("should never be sent"));
        assertThat(team.agents.get(Role.DEVOPS_BUILDER).discipline().metrics().scrape())
                .containsPattern("agent_halts_total\\{reason=\"cost\",role=\"DevOps_Builder\"} 1\\.0");
    }

    // ---- helpers ----

    /** Whoever else is asked answers without mentioning anyone. */
    private void fallbacks() {
        for (String role : List.of("Architect_Zero", "DevOps_Builder", "Security_Sentinel")) {
            llm.when(Rule.forRole(role)).reply(Reply.text("Noted.").withUsage(0, 0));
        }
    }

    private static String planIdIn(RecordedRequest request) {
        Matcher m = REVIEW.matcher(request.lastMessage().content());
        if (!m.find()) {
            throw new AssertionError("no review request in " + request.summary());
        }
        return m.group(1);
    }

    /** The proxmox-lxc module replaced by terraform_data (the bpg/proxmox provider cannot be downloaded here). */
    private void writeModule() {
        LxcModuleStandIn.write(workspace.resolve("generated_iac/infra/modules/proxmox-lxc"), "touch " + marker());
    }

    private Path marker() {
        return workspace.resolve("tmp/applied.marker");
    }
}
