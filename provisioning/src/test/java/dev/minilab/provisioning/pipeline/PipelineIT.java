package dev.minilab.provisioning.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.provisioning.diagnosis.DiagnosisPrompt;
import dev.minilab.provisioning.eval.BaseSpecs;
import dev.minilab.provisioning.eval.Scenario;
import dev.minilab.provisioning.machine.Event;
import dev.minilab.provisioning.machine.State;
import dev.minilab.provisioning.spec.ProvisionSpec;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.log.ExecutionLog;
import dev.minilab.testkit.RecordedRequest;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.SshTarget;
import java.math.BigDecimal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The pipeline on the simulated backend with a real sshd as the "host" and the scripted LLM behind the real
 * langchain4j client: each run below is one of the required cases.
 */
class PipelineIT {

    private static final Rule DIAGNOSIS = Rule.forRole("Provisioning_Diagnosis");

    @TempDir
    static Path sshDir;
    private static SshTarget sshd;
    private static ScriptedLlmServer llm;

    @TempDir
    Path dir;
    private final List<TransitionRecord> seen = new ArrayList<>();

    @BeforeAll
    static void startServers() {
        sshd = SshTarget.start(sshDir.resolve("sshd"));
        llm = ScriptedLlmServer.start();
    }

    @AfterAll
    static void stopServers() {
        if (llm != null) {
            llm.close();
        }
        if (sshd != null) {
            sshd.close();
        }
    }

    @BeforeEach
    void resetScript() {
        llm.reset();
    }

    @Test
    void happyPathReachesSuccessWithoutAnyLlmCall() {
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);

        RunReport report = run(f, f.onThisHost(Scenario.LXC_HAPPY_PATH.spec(BaseSpecs.lxc())));

        assertThat(report.status()).as(report.summary()).isEqualTo(State.SUCCESS);
        assertThat(report.transitions()).extracting(TransitionRecord::to)
                .containsExactly(State.RUNNING, State.VALIDATING, State.SUCCESS);
        assertThat(report.llmCalls()).isZero();
        assertThat(report.inputTokens() + report.outputTokens()).isZero();
        assertThat(report.costUsd()).contains(BigDecimal.ZERO);
        assertThat(llm.requests()).isEmpty();
        assertThat(report.log()).anyMatch(l -> l.contains("check ssh: PASS"))
                .anyMatch(l -> l.contains("check identity: PASS")).anyMatch(l -> l.contains("check health: PASS"))
                .anyMatch(l -> l.contains("approved by the spec"));
        assertThat(seen).isEqualTo(report.transitions());
    }

    @Test
    void failSimpleIsFixedByTheFirstHypothesisOfTheModel() {
        llm.when(DIAGNOSIS.once()).reply(Reply.text("{\"cause\": \"storage local-zfs does not exist on pve1\", "
                + "\"changes\": {\"datastore_id\": \"local-lvm\"}}").withUsage(1200, 40));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);

        RunReport report = run(f, f.onThisHost(Scenario.FAIL_SIMPLE.spec(BaseSpecs.lxc())));

        assertThat(report.status()).as(report.summary()).isEqualTo(State.SUCCESS);
        assertThat(report.retries()).isEqualTo(1);
        assertThat(report.llmCalls()).isEqualTo(1);
        assertThat(report.inputTokens()).isEqualTo(1200);
        assertThat(report.outputTokens()).isEqualTo(40);
        // 1200 * 2.00 / 1M + 40 * 8.00 / 1M
        assertThat(report.costUsd()).hasValueSatisfying(c -> assertThat(c).isEqualByComparingTo("0.00272"));
        assertThat(report.transitions()).extracting(TransitionRecord::event).containsExactly(Event.TASK_RECEIVED,
                Event.APPLY_FAILED, Event.NEW_HYPOTHESIS, Event.APPLY_SUCCEEDED, Event.CHECKS_PASSED);
        assertThat(report.variables().text("datastore_id")).isEqualTo("local-lvm");
        RecordedRequest asked = llm.requests().getFirst();
        assertThat(asked.systemPrompt()).startsWith(DiagnosisPrompt.ROLE_LINE);
        assertThat(asked.lastMessage().content())
                .contains("│ Error: error creating container: the requested resource does not exist")
                .contains("Reason: storage 'local-zfs' does not exist")
                // the simulated cluster rendered as the live inventory is (InventoryText)
                .contains("Cluster inventory:\nProxmox VE 8.3.0, cluster \"simulated\", 2 node(s), 2 online")
                .contains("    local-lvm  lvmthin [images,rootdir]  300.0 / 400.0 GiB free")
                .contains("  local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst  on pve1,pve2")
                .contains("\"datastore_id\" : \"local-zfs\"");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    void aModelThatRepeatsItselfEndsTheRunWithRepeatedHypothesis() {
        llm.when(DIAGNOSIS).reply(Reply.text("{\"cause\": \"wrong storage\", \"changes\": {\"datastore_id\": "
                + "\"local-lvm\"}}"));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);

        RunReport report = run(f, f.onThisHost(Scenario.FAIL_COMPLEX.spec(BaseSpecs.lxc())));

        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.reason()).startsWith("repeated hypothesis");
        assertThat(report.transitions().getLast().event()).isEqualTo(Event.REPEATED_HYPOTHESIS);
        assertThat(report.retries()).isEqualTo(1);
        assertThat(report.llmCalls()).isEqualTo(2);
        assertThat(report.hypotheses()).hasSize(2);
        // The second failure (after the storage fix) is the missing template, and the model was shown it.
        assertThat(llm.requests().get(1).lastMessage().content()).contains("can't find file")
                .contains("Hypotheses tried so far (do not repeat one)");
    }

    @Test
    void theRetryCapEndsTheRunWithEveryHypothesisInTheLog() throws Exception {
        llm.when(DIAGNOSIS).replyInOrder(
                Reply.text("{\"cause\": \"too few cores\", \"changes\": {\"cores\": 2}}"),
                Reply.text("{\"cause\": \"too little memory\", \"changes\": {\"memory\": 1024}}"),
                Reply.text("{\"cause\": \"disk too small\", \"changes\": {\"disk_size\": 16}}"));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);
        ExecutionLog executionLog = new ExecutionLog("provision", dir.resolve("docs"), text -> text);

        RunReport report = f.pipeline.run(f.onThisHost(Scenario.FAIL_SIMPLE.spec(BaseSpecs.lxc())),
                ProvisionListener.all(List.of(seen::add, new ExecutionLogListener(executionLog))),
                Cancellation.create());

        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.reason()).startsWith("retry cap reached (3 retries");
        assertThat(report.retries()).isEqualTo(3);
        assertThat(report.llmCalls()).as("no call once the cap is reached").isEqualTo(3);
        assertThat(llm.requests()).hasSize(3);
        assertThat(report.lastFailure()).contains("storage 'local-zfs' does not exist");
        String logFile = Files.readString(executionLog.markdownPath());
        for (String change : List.of("{\"cores\":2}", "{\"memory\":1024}", "{\"disk_size\":16}")) {
            assertThat(report.log()).anyMatch(line -> line.contains("hypothesis") && line.contains(change));
            assertThat(logFile).contains(change);
        }
        assertThat(logFile).contains("DIAGNOSING → FAILED (RETRY_CAP_HIT");
    }

    @Test
    void anInvalidAnswerIsRetriedOnceWithTheReason() {
        llm.when(DIAGNOSIS).replyInOrder(
                Reply.text("The storage pool is wrong, you should use local-lvm."),
                Reply.text("```json\n{\"cause\": \"storage local-zfs missing\", \"changes\": {\"datastore_id\": "
                        + "\"local-lvm\"}}\n```"));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);

        RunReport report = run(f, f.onThisHost(Scenario.FAIL_SIMPLE.spec(BaseSpecs.lxc())));

        assertThat(report.status()).as(report.summary()).isEqualTo(State.SUCCESS);
        assertThat(report.llmCalls()).isEqualTo(2);
        assertThat(report.retries()).isEqualTo(1);
        RecordedRequest retry = llm.requests().get(1);
        assertThat(retry.lastMessage().content()).startsWith("Your answer was not valid: the answer is not JSON");
        assertThat(retry.messagesWithRole("assistant")).singleElement()
                .satisfies(m -> assertThat(m.content()).contains("you should use local-lvm"));
    }

    @Test
    void twoInvalidAnswersEndTheRunWithoutGuessing() {
        llm.when(DIAGNOSIS).reply(Reply.text("{\"cause\": \"x\", \"changes\": {\"storage\": \"local-lvm\"}}"));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);

        RunReport report = run(f, f.onThisHost(Scenario.FAIL_SIMPLE.spec(BaseSpecs.lxc())));

        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.transitions().getLast().event()).isEqualTo(Event.NO_DIAGNOSIS);
        assertThat(report.reason()).contains("invalid JSON twice").contains("'storage' is not a variable");
        assertThat(report.llmCalls()).isEqualTo(2);
        assertThat(report.retries()).isZero();
    }

    @Test
    void aFailedCheckOnTheRealHostIsDiagnosedFromTheValidatorsFindings() {
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 3);
        llm.when(DIAGNOSIS.once()).reply(Reply.text("{\"cause\": \"the hostname differs\", \"changes\": "
                + "{\"hostname\": \"" + f.hostname + "\"}}"));
        ProvisionSpec spec = f.onThisHost(Scenario.LXC_HAPPY_PATH.spec(BaseSpecs.lxc()));
        ProvisionSpec wrongName = spec.withVariables(spec.variables().with(
                dev.minilab.provisioning.spec.ChangeSet.ofPlain(java.util.Map.of("hostname", "not-" + f.hostname))));

        RunReport report = run(f, wrongName);

        assertThat(report.status()).as(report.summary()).isEqualTo(State.SUCCESS);
        assertThat(report.transitions()).extracting(TransitionRecord::event).containsExactly(Event.TASK_RECEIVED,
                Event.APPLY_SUCCEEDED, Event.CHECK_FAILED, Event.NEW_HYPOTHESIS, Event.APPLY_SUCCEEDED,
                Event.CHECKS_PASSED);
        assertThat(llm.requests().getFirst().lastMessage().content()).contains("Validator findings:")
                .contains("hostname is '" + f.hostname + "', the spec expects 'not-" + f.hostname + "'");
    }

    @Test
    void destroyOnFailureRemovesWhatTheRunCreated() {
        llm.when(DIAGNOSIS).reply(Reply.text("{\"cause\": \"bridge\", \"changes\": {\"bridge\": \"vmbr2\"}}"));
        PipelineFixture f = new PipelineFixture(sshd, llm, dir, 1);
        ProvisionSpec spec = f.onThisHost(Scenario.LXC_HAPPY_PATH.spec(BaseSpecs.lxc()));
        ProvisionSpec bad = new ProvisionSpec(spec.name(), spec.kind(), spec.variables().with(
                dev.minilab.provisioning.spec.ChangeSet.ofPlain(java.util.Map.of("bridge", "vmbr9"))),
                1, spec.checks(), true);

        RunReport report = run(f, bad);

        assertThat(report.status()).isEqualTo(State.FAILED);
        assertThat(report.destroyed()).hasValueSatisfying(d -> assertThat(d).startsWith("done"));
        assertThat(f.backend.stateCount(bad.name())).isZero();
        assertThat(f.cluster.guests()).extracting(g -> g.vmid()).containsExactly(100, 101);
    }

    private RunReport run(PipelineFixture f, ProvisionSpec spec) {
        return f.pipeline.run(spec, seen::add, Cancellation.create());
    }
}
