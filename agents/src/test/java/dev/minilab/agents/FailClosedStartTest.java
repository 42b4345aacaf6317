package dev.minilab.agents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.minilab.runtime.security.KeyGenerator;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 17 finding 7: once the team has keys, an agent started without its own key refuses to start (it would
 * otherwise accept forged messages) and says which command creates the keys. Before the fix it started unsigned.
 */
class FailClosedStartTest {

    @TempDir
    Path workspace;
    @TempDir
    Path keys;

    private int start(Map<String, String> given, ByteArrayOutputStream err) {
        Map<String, String> env = new java.util.HashMap<>(given);
        env.put("MINILAB_PROMPTS", Path.of("..", "prompts").toAbsolutePath().normalize().toString());
        return AgentMain.run(new String[] {"Architect_Zero"}, env, workspace, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err));
    }

    @Test
    void anAgentWithoutItsKeyRefusesToStartWhenTheTeamHasKeys() {
        KeyGenerator.generate(keys, KeysMain.SENDERS);
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = start(Map.of("PATH", System.getenv("PATH"), "MINILAB_WORKSPACE", workspace.toString(),
                "REDIS_URL", "redis://127.0.0.1:1", "MINILAB_KEYS_DIR", keys.toString()), err);

        assertThat(code).isEqualTo(AgentMain.EXIT_USAGE);
        assertThat(err.toString()).contains("MINILAB_PRIVATE_KEY").contains("refuses to start")
                .contains("./minilab keys " + keys);
    }

    @Test
    void requireSignaturesWithNoKeysAnywhereRefusesToo() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();

        int code = start(Map.of("PATH", System.getenv("PATH"), "MINILAB_WORKSPACE", workspace.toString(),
                "REDIS_URL", "redis://127.0.0.1:1", "MINILAB_REQUIRE_SIGNATURES", "true"), err);

        assertThat(code).isEqualTo(AgentMain.EXIT_USAGE);
        assertThat(err.toString()).contains("./minilab keys");
    }
}
