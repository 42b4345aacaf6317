package dev.minilab.runtime.tools.env;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.sandbox.Redactor;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.runtime.tools.toolbox.Toolbox;
import dev.minilab.runtime.tools.toolbox.ToolboxSettings;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadEnvToolTest {

    private static final Map<String, String> ENV = Map.of("SSH_USER", "admin", "OPENAI_API_KEY", "sk-" + "abcdefghijklmnop1234",
            "PM_TOKEN_SECRET", "0000-1111-2222", "PM_TOKEN_ID", "root@pam!tf", "SSH_KEY_PATH", "tmp/bootstrap_id_rsa",
            "DB_CONN", "conn-string-secret", "MINILAB_REDACT_VARS", "DB_CONN");

    @TempDir
    Path workspace;

    private ToolResult read(String name) {
        Tool tool = new Toolbox(ToolboxSettings.fromEnv(workspace, ENV), Redactor.fromEnv(ENV, java.util.List.of("DB_CONN")))
                .readEnv();
        return tool.execute(ToolArguments.of(Map.of("name", name)), ToolContext.of("Security_Sentinel"));
    }

    @Test
    void plainVariablesAreShown() {
        assertThat(read("SSH_USER").output()).isEqualTo("SSH_USER=admin");
        assertThat(read("SSH_KEY_PATH").output()).isEqualTo("SSH_KEY_PATH=tmp/bootstrap_id_rsa");
    }

    @Test
    void secretsOnlySayTheyAreSet() {
        for (String name : new String[] {"OPENAI_API_KEY", "PM_TOKEN_SECRET", "PM_TOKEN_ID", "DB_CONN"}) {
            ToolResult result = read(name);
            assertThat(result.status()).isEqualTo(ToolResult.Status.OK);
            assertThat(result.output()).as(name).isEqualTo(name + " is set (secret: value hidden, non-empty)");
        }
    }

    @Test
    void listingEverythingIsRefused() {
        for (String name : new String[] {"ALL", "all", "*", "OPENAI*", " "}) {
            ToolResult result = read(name);
            assertThat(result.isError()).as(name).isTrue();
            assertThat(result.output()).contains("one variable");
        }
    }

    @Test
    void unsetAndMalformedNames() {
        assertThat(read("NOPE").output()).isEqualTo("NOPE is not set");
        assertThat(read("A-B").isError()).isTrue();
    }
}
