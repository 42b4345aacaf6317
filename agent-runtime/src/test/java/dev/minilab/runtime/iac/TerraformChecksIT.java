package dev.minilab.runtime.iac;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.minilab.runtime.hcl.HclParser;
import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import dev.minilab.testkit.TerraformStandIn;
import dev.minilab.testkit.proxmox.ProxmoxApiServer;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * run_terraform with the checks wired as the agents get them: the Proxmox API fixture as the live cluster, the
 * terraform stand-in (its invocations logged) and, where installed, the real terraform.
 */
class TerraformChecksIT {

    @TempDir
    Path workspace;
    private ProxmoxApiServer pve;

    @BeforeEach
    void start() {
        pve = ProxmoxApiServer.start();
    }

    @AfterEach
    void stop() {
        pve.close();
    }

    static Stream<String> terraforms() {
        return TerraformStandIn.realTerraform().isPresent() ? Stream.of("stand-in", "real") : Stream.of("stand-in");
    }

    private Tool runTerraform(String kind, Map<String, String> extra) {
        Path executable = kind.equals("real") ? TerraformStandIn.realTerraform().orElseThrow()
                : TerraformStandIn.install(workspace.resolve(".bin"));
        Map<String, String> env = new HashMap<>(Map.of("PATH", System.getenv("PATH"),
                "HOME", workspace.resolve(".home").toString()));
        env.putAll(pve.env(workspace.resolve("pve-root-ca.pem")));
        env.putAll(extra);
        ToolboxSettings settings = ToolboxSettings.fromEnv(workspace, env).withTerraformCommand(executable.toString());
        return new Toolbox(settings, Redactor.fromEnv(env)).runTerraform();
    }

    private String module(String name, String text) throws IOException {
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra").resolve(name));
        Files.writeString(dir.resolve("main.tf"), text);
        return "generated_iac/infra/" + name;
    }

    private static ToolResult call(Tool tool, Map<String, ?> args) {
        return tool.execute(ToolArguments.of(args), ToolContext.of("DevOps_Builder"));
    }

    @ParameterizedTest
    @MethodSource("terraforms")
    void aWrongStoragePoolStopsPlanBeforeTerraformPlans(String kind) throws IOException {
        Path log = workspace.resolve("standin.log");
        Tool tf = runTerraform(kind, Map.of("TF_STANDIN_LOG", log.toString()));
        String module = module("web", ModuleChecksTest.PROVIDERS + """

                resource "proxmox_virtual_environment_vm" "web" {
                  node_name = "pve2"
                  disk {
                    interface    = "scsi0"
                    datastore_id = "nope"
                    size         = 20
                  }
                }
                """);

        ToolResult plan = call(tf, Map.of("module_dir", module, "command", "plan"));

        assertThat(plan.isError()).isTrue();
        assertThat(plan.output()).startsWith("terraform not run: 1 problem found by MiniLab's checks")
                .contains("main.tf line 14: resource \"proxmox_virtual_environment_vm\" \"web\" disk: datastore_id "
                        + "\"nope\" does not exist on node pve2; storages there that hold VM disks (content images): "
                        + "local-lvm, nfs-shared");
        assertThat(pve.requests()).anyMatch(r -> r.pathAndQuery().equals("/api2/json/cluster/resources"));
        // terraform never ran (the stand-in logs every invocation; a real terraform leaves no .terraform).
        assertThat(log).doesNotExist();
        assertThat(workspace.resolve(module).resolve(".terraform")).doesNotExist();
    }

    @ParameterizedTest
    @MethodSource("terraforms")
    void hashicorpProxmoxInATfJsonFileStopsInit(String kind) throws IOException {
        Tool tf = runTerraform(kind, Map.of());
        Path dir = Files.createDirectories(workspace.resolve("generated_iac/infra/json"));
        Files.writeString(dir.resolve("main.tf.json"), """
                {"terraform": {"required_providers": {"proxmox": {"source": "hashicorp/proxmox"}}}}
                """);

        ToolResult init = call(tf, Map.of("module_dir", "generated_iac/infra/json", "command", "init"));

        assertThat(init.output()).startsWith("terraform not run: 1 problem")
                .contains("main.tf.json: provider source \"hashicorp/proxmox\" does not exist")
                .contains("source = \"bpg/proxmox\"");
        assertThat(dir.resolve(".terraform")).doesNotExist();
    }

    @Test
    void terraformsOwnGrammarCatchesWhatTheLenientParserDrops() throws IOException {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "needs a real terraform");
        Tool tf = runTerraform("real", Map.of());
        String text = "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n\nresource \"terraform_data\" \"b\" {\n}\n";
        String module = module("broken", text);
        // The mechanism: hcl4j's grammar silently drops the unclosed block instead of failing.
        assertThat(HclParser.parseNative(Path.of("main.tf"), text).body().blocks()).hasSizeLessThan(2);

        ToolResult plan = call(tf, Map.of("module_dir", module, "command", "plan"));

        assertThat(plan.output()).startsWith("terraform not run: 1 problem")
                .contains("main.tf line 1: terraform validate: Unclosed configuration block");
    }

    @Test
    void validateRunsBeforePlanInAnInitialisedModule() throws IOException {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "needs a real terraform");
        Tool tf = runTerraform("real", Map.of());
        String module = module("refs", "resource \"terraform_data\" \"a\" {\n  input = var.missing\n}\n");
        ToolResult init = call(tf, Map.of("module_dir", module, "command", "init"));
        assertThat(init.isError()).as(init.output()).isFalse();

        ToolResult plan = call(tf, Map.of("module_dir", module, "command", "plan"));

        assertThat(plan.output()).startsWith("terraform not run: 1 problem")
                .contains("main.tf line 2: terraform validate: Reference to undeclared input variable");
        try (Stream<Path> plans = Files.list(Files.createDirectories(workspace.resolve(".minilab/plans")))) {
            assertThat(plans.toList()).isEmpty();
        }
    }

    @Test
    void aCleanModuleStillPlans() throws IOException {
        Tool tf = runTerraform("stand-in", Map.of());
        String module = module("ok", "resource \"terraform_data\" \"a\" {\n  input = \"x\"\n}\n");
        call(tf, Map.of("module_dir", module, "command", "init"));

        ToolResult plan = call(tf, Map.of("module_dir", module, "command", "plan"));

        assertThat(plan.isError()).as(plan.output()).isFalse();
        assertThat(plan.output()).contains("plan_id: ");
        assertThat(List.copyOf(pve.requests())).isEmpty();
    }

    @Test
    void pmApiUrlWithApi2JsonReachesTerraformAsTheBpgEndpoint() throws IOException {
        assumeTrue(TerraformStandIn.realTerraform().isPresent(), "needs a real terraform");
        // The user wrote the API base; bpg/proxmox's endpoint refuses /api2/json. One normalisation serves
        // run_terraform and the provisioning pipeline (ChildEnvironment.forTerraform).
        Tool tf = runTerraform("real", Map.of("PM_API_URL", pve.url() + "/api2/json/"));
        String module = module("endpoint", "variable \"pm_api_url\" {\n  type = string\n}\n\n"
                + "output \"endpoint\" {\n  value = var.pm_api_url\n}\n");
        assertThat(call(tf, Map.of("module_dir", module, "command", "init")).isError()).isFalse();

        ToolResult plan = call(tf, Map.of("module_dir", module, "command", "plan"));

        assertThat(plan.isError()).as(plan.output()).isFalse();
        assertThat(plan.output()).contains("+ endpoint = \"" + pve.url() + "/\"").doesNotContain("api2/json");
    }
}
