package dev.minilab.e2e;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.testkit.ChildProcess;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import dev.minilab.testkit.TempWorkspace;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** {@code ./minilab eval} and {@code ./minilab provision} through the real launcher, the LLM being the scripted one. */
class ProvisioningLauncherIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void evalFailSimpleWritesTheTableAndTheJsonReport() throws Exception {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TempWorkspace workspace = TempWorkspace.create("minilab-eval")) {
            llm.when(Rule.forRole("Provisioning_Diagnosis").once()).reply(Reply.text("{\"cause\": \"storage "
                    + "local-zfs does not exist on pve1; local-lvm holds rootdir\", \"changes\": {\"datastore_id\": "
                    + "\"local-lvm\"}}").withUsage(1500, 50));
            Launcher launcher = new Launcher(workspace.root(), Map.of("OPENAI_API_BASE", llm.baseUrl(),
                    "OPENAI_API_KEY", "sk-test-eval-not-a-real-key", "LLM_MODEL", "scripted-model",
                    "LLM_MAX_RETRIES", "0", "LLM_PRICES", "scripted-model=1.00:4.00"));

            try (ChildProcess eval = launcher.start(List.of("eval", "--scenario", "fail-simple", "--out", "report"),
                    "eval")) {
                assertThat(eval.awaitExit(Duration.ofSeconds(180))).as(eval.output()).isZero();
                String out = eval.output();
                assertThat(out).contains("eval [1/1] fail-simple × scripted-model: running (wrong storage pool)")
                        .contains("eval [1/1] fail-simple × scripted-model: SUCCESS, 1 retry, 1 LLM call, 1500/50 "
                                + "tokens, $0.0017")
                        .containsPattern("scenario +model +status +retries +llm_calls +tokens_in +tokens_out "
                                + "+cost_usd +seconds")
                        .containsPattern("fail-simple +scripted-model +SUCCESS +1 +1 +1500 +50 +0\\.0017 ")
                        .contains("scripted-model: 1/1 SUCCESS, avg retries (failure scenarios) 1.00, total cost "
                                + "$0.0017");
                Path reportDir = workspace.resolve("report");
                List<Path> files;
                try (Stream<Path> list = Files.list(reportDir)) {
                    files = list.toList();
                }
                assertThat(files).singleElement().satisfies(f -> assertThat(f.getFileName().toString())
                        .matches("eval-\\d{8}-\\d{6}\\.json"));
                assertThat(out).contains("report: " + files.getFirst());
                JsonNode report = JSON.readTree(files.getFirst().toFile());
                assertThat(report.get("target").asText()).isEqualTo("simulated");
                assertThat(report.get("runs")).hasSize(1);
                JsonNode run = report.get("runs").get(0);
                assertThat(fieldNames(run)).containsExactly("scenario", "model", "status", "retries", "llm_calls",
                        "input_tokens", "output_tokens", "cost_usd", "seconds", "hypotheses");
                assertThat(run.get("scenario").asText()).isEqualTo("fail-simple");
                assertThat(run.get("model").asText()).isEqualTo("scripted-model");
                assertThat(run.get("status").asText()).isEqualTo("SUCCESS");
                assertThat(run.get("retries").asInt()).isEqualTo(1);
                assertThat(run.get("llm_calls").asInt()).isEqualTo(1);
                assertThat(run.get("input_tokens").asLong()).isEqualTo(1500);
                assertThat(run.get("output_tokens").asLong()).isEqualTo(50);
                // 1500 * 1.00 / 1M + 50 * 4.00 / 1M
                assertThat(run.get("cost_usd").decimalValue()).isEqualByComparingTo("0.0017");
                assertThat(run.get("seconds").asDouble()).isPositive();
                assertThat(run.get("hypotheses")).hasSize(1);
                assertThat(run.get("hypotheses").get(0).get("cause").asText()).startsWith("storage local-zfs");
                assertThat(run.get("hypotheses").get(0).get("changes").get("datastore_id").asText())
                        .isEqualTo("local-lvm");
                assertThat(llm.requests()).hasSize(1);
                assertThat(llm.requests().getFirst().model()).isEqualTo("scripted-model");
            }
        }
    }

    @Test
    void provisionOfACorrectSpecOnTheSimulatedTargetSpendsNoToken() throws Exception {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start();
             TempWorkspace workspace = TempWorkspace.create("minilab-provision")) {
            Files.writeString(workspace.resolve("web.json"), """
                    {"name": "web", "kind": "lxc",
                     "variables": {"node_name": "pve1", "hostname": "web",
                       "template_file_id": "local:vztmpl/debian-12-standard_12.7-1_amd64.tar.zst",
                       "datastore_id": "local-lvm", "bridge": "vmbr0"},
                     "checks": {"os": "debian 12"}}
                    """);
            Launcher launcher = new Launcher(workspace.root(), Map.of("OPENAI_API_BASE", llm.baseUrl(),
                    "LLM_MODEL", "scripted-model"));

            try (ChildProcess provision = launcher.start(List.of("provision", "web.json", "--target", "simulated"),
                    "provision")) {
                assertThat(provision.awaitExit(Duration.ofSeconds(120))).as(provision.output()).isZero();
                assertThat(provision.output())
                        .contains("provision web: INIT → RUNNING (TASK_RECEIVED, attempt 1)")
                        .contains("provision web: VALIDATING → SUCCESS (CHECKS_PASSED, attempt 1)")
                        .contains("retries: 0, LLM calls: 0, tokens in/out: 0/0, cost: $0.0000");
            }
            assertThat(llm.requests()).isEmpty();
            assertThat(Files.readString(workspace.resolve("docs/execution_log_provision.md")))
                    .contains("RUNNING → VALIDATING").contains("approved by the spec");
        }
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new java.util.ArrayList<>();
        node.fieldNames().forEachRemaining(names::add);
        return names;
    }
}
