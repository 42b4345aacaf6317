package dev.minilab.runtime.tools.toolbox;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.sandbox.SandboxStatus;
import dev.minilab.runtime.security.KeyGenerator;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.shell.ShellPolicy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 5 under the real sandbox: the team's signing keys and Redis passwords can be read by no tool,
 * neither in the default folder outside the workspace ({@code ~/.config/minilab/keys}) nor when a user points
 * {@code MINILAB_KEYS_DIR} inside a workspace root. The redactor is off, so any leak would show the key.
 */
class KeysOutOfReachIT {

    private static final List<String> TEAM = List.of("Architect_Zero", "DevOps_Builder", "User");

    @TempDir
    Path workspace;
    @TempDir
    Path home;

    private Toolbox toolbox(Path keysDir) throws Exception {
        for (String dir : List.of("generated_iac/infra", "generated_iac/config", "docs", "tmp")) {
            Files.createDirectories(workspace.resolve(dir));
        }
        KeyGenerator.generate(keysDir, TEAM);
        Files.createDirectories(keysDir.resolve("redis"));
        Files.writeString(keysDir.resolve("redis/User.password"), "redis-password-canary\n");
        Toolbox toolbox = new Toolbox(ToolboxSettings.fromEnv(workspace, Map.of("PATH", System.getenv("PATH"),
                "HOME", home.toString(), "MINILAB_KEYS_DIR", keysDir.toString())), Redactor.none());
        assertThat(toolbox.sandbox()).isInstanceOf(SandboxStatus.Confined.class);
        return toolbox;
    }

    private static ToolResult run(Tool tool, String key, String value) {
        return tool.execute(ToolArguments.of(Map.of(key, value)), ToolContext.of("attacker"));
    }

    private static String privateKeyBody(Path keysDir, String sender) throws Exception {
        String pem = Files.readString(KeyGenerator.privateKeyFile(keysDir, sender));
        return pem.lines().filter(l -> !l.startsWith("-----")).findFirst().orElseThrow();
    }

    @Test
    void keysInTheDefaultFolderOutsideTheWorkspaceAreReadByNoShell() throws Exception {
        Path keysDir = home.resolve(".config/minilab/keys");
        Toolbox toolbox = toolbox(keysDir);
        String userKey = privateKeyBody(keysDir, "User");
        for (Tool shell : List.of(toolbox.runShell(ShellPolicy.auditOnly()), toolbox.runShell(ShellPolicy.readOnly()),
                toolbox.runShell(ShellPolicy.unrestricted()))) {
            for (String attack : List.of("cat " + KeyGenerator.privateKeyFile(keysDir, "User"),
                    "cat " + keysDir.resolve("redis/User.password"), "ls -laR " + keysDir)) {
                ToolResult result = run(shell, "command", attack);
                assertThat(result.output()).as(attack).doesNotContain(userKey).doesNotContain("redis-password-canary")
                        .doesNotContain("User.pub");
            }
        }
    }

    @Test
    void keysPointedIntoAWorkspaceRootAreHiddenFromShellsAndRefusedToFileTools() throws Exception {
        Path keysDir = workspace.resolve("tmp/team-keys");
        Toolbox toolbox = toolbox(keysDir);
        String userKey = privateKeyBody(keysDir, "User");
        for (Tool shell : List.of(toolbox.runShell(ShellPolicy.readOnly()), toolbox.runShell(ShellPolicy.unrestricted()))) {
            for (String attack : List.of("cat tmp/team-keys/private/User/User.pem",
                    "cat tmp/team-keys/redis/User.password", "grep -r . tmp")) {
                ToolResult result = run(shell, "command", attack);
                assertThat(result.output()).as(attack).doesNotContain(userKey).doesNotContain("redis-password-canary");
            }
        }
        for (Tool read : List.of(toolbox.readFile(toolbox.readOnly()), toolbox.readFile(toolbox.fullAccess()))) {
            for (String path : List.of("tmp/team-keys/private/User/User.pem", "tmp/team-keys/redis/User.password",
                    keysDir.resolve("public/User.pub").toString())) {
                ToolResult result = run(read, "path", path);
                assertThat(result.isError()).as(path).isTrue();
                assertThat(result.output()).as(path).contains("protected").doesNotContain(userKey)
                        .doesNotContain("redis-password-canary");
            }
        }
    }
}
