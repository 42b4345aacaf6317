package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The per-role tool table of the design (section 6) and the policies behind it (LESSONS row 11). */
class RoleToolsTest {

    @TempDir
    Path workspace;
    private Toolbox toolbox;

    @BeforeEach
    void setUp() throws Exception {
        for (String dir : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp")) {
            Files.createDirectories(workspace.resolve(dir));
        }
        Map<String, String> env = Map.of("PATH", System.getenv().getOrDefault("PATH", "/usr/bin:/bin"));
        toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, env), Redactor.fromEnv(env));
    }

    @Test
    void eachRoleGetsExactlyTheToolsOfTheDesignTable() {
        assertThat(names(Role.ARCHITECT_ZERO)).containsExactly("save_file", "append_file", "read_file",
                "proxmox_inventory", "size_workload", "place_workload");
        assertThat(names(Role.DEVOPS_BUILDER)).containsExactlyInAnyOrder("save_file", "append_file", "read_file",
                "delete_file", "run_terraform", "run_ansible", "run_shell", "run_ssh", "read_env", "fetch_webpage",
                "proxmox_inventory", "size_workload", "place_workload");
        assertThat(names(Role.SECURITY_SENTINEL)).containsExactlyInAnyOrder("read_file", "run_shell", "read_env");
        assertThat(names(Role.QA_TESTER)).containsExactlyInAnyOrder("read_file", "run_shell", "run_ssh",
                "fetch_webpage", "proxmox_inventory");
    }

    @Test
    void onlyDevOpsBuilderGetsTheProvisioningPipeline() {
        Tool provision = new dev.minilab.provisioning.tool.ProvisionTool(target -> {
            throw new AssertionError("not run here");
        }, dev.minilab.provisioning.pipeline.ProvisionListener.NONE);
        for (Role role : Role.values()) {
            List<String> names = RoleTools.forRole(role, toolbox, provision).stream().map(Tool::name).toList();
            if (role == Role.DEVOPS_BUILDER) {
                assertThat(names).contains("provision").containsAll(names(role));
            } else {
                assertThat(names).doesNotContain("provision").containsExactlyElementsOf(names(role));
            }
        }
    }

    @Test
    void architectWritesDocsButNotTerraform() {
        ToolResult docs = call(Role.ARCHITECT_ZERO, "save_file",
                Map.of("path", "docs/plan.md", "content", "1. build"));
        ToolResult terraform = call(Role.ARCHITECT_ZERO, "save_file",
                Map.of("path", "generated_iac/infra/main.tf", "content", "resource {}"));

        assertThat(docs.isError()).as(docs.output()).isFalse();
        assertThat(terraform.isError()).isTrue();
        assertThat(workspace.resolve("generated_iac/infra/main.tf")).doesNotExist();
    }

    @Test
    void reviewersCannotWriteFiles() {
        for (Role role : List.of(Role.SECURITY_SENTINEL, Role.QA_TESTER)) {
            assertThat(names(role)).doesNotContain("save_file", "append_file", "delete_file");
        }
    }

    @Test
    void securityShellIsAuditOnly() throws Exception {
        Files.writeString(workspace.resolve("generated_iac/config/site.yml"), "- hosts: all\n");

        ToolResult listing = call(Role.SECURITY_SENTINEL, "run_shell", Map.of("command", "ls generated_iac/config"));
        ToolResult write = call(Role.SECURITY_SENTINEL, "run_shell", Map.of("command", "touch docs/owned"));
        ToolResult chained = call(Role.SECURITY_SENTINEL, "run_shell",
                Map.of("command", "cat generated_iac/config/site.yml; rm -rf docs"));

        assertThat(listing.isError()).as(listing.output()).isFalse();
        assertThat(listing.output()).contains("site.yml");
        assertThat(write.isError()).isTrue();
        assertThat(chained.isError()).isTrue();
        assertThat(workspace.resolve("docs/owned")).doesNotExist();
        assertThat(workspace.resolve("docs")).exists();
    }

    @Test
    void qaShellRefusesRedirection() {
        ToolResult redirect = call(Role.QA_TESTER, "run_shell", Map.of("command", "echo pwned > docs/x"));

        assertThat(redirect.isError()).isTrue();
        assertThat(workspace.resolve("docs/x")).doesNotExist();
    }

    private List<String> names(Role role) {
        return RoleTools.forRole(role, toolbox).stream().map(Tool::name).toList();
    }

    private ToolResult call(Role role, String tool, Map<String, ?> args) {
        Tool found = RoleTools.forRole(role, toolbox).stream().filter(t -> t.name().equals(tool)).findFirst()
                .orElseThrow();
        return found.execute(ToolArguments.of(args), ToolContext.of(role.displayName()));
    }
}
