package dev.minilab.containers;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The checks ComposeStackIT applies to the filter runc loaded and to the tool's output can fail. */
class SandboxProbeTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode committed() throws IOException {
        Path dir = Path.of("").toAbsolutePath();
        while (!Files.isRegularFile(dir.resolve("docker/seccomp-bwrap.json"))) {
            dir = dir.getParent();
        }
        return JSON.readTree(dir.resolve("docker/seccomp-bwrap.json").toFile());
    }

    /** What podman hands runc for a container without capabilities: the rules that need none. */
    private static ObjectNode applied(JsonNode profile) {
        ObjectNode oci = JSON.createObjectNode().put("defaultAction", profile.path("defaultAction").asText());
        ArrayNode rules = oci.putArray("syscalls");
        profile.path("syscalls").forEach(rule -> {
            if (rule.path("includes").path("caps").isEmpty()) {
                rules.add(JSON.createObjectNode().<ObjectNode>set("names", rule.path("names").deepCopy())
                        .put("action", rule.path("action").asText()));
            }
        });
        return oci;
    }

    @Test
    void theFilterMadeFromTheCommittedProfilePasses() throws IOException {
        assertThatCode(() -> SandboxProbe.assertFilterComesFrom(applied(committed()), committed()))
                .doesNotThrowAnyException();
    }

    @Test
    void aFilterThatAllowsKeyctlFails() throws IOException {
        ObjectNode oci = applied(committed());
        ((ArrayNode) oci.path("syscalls")).addObject().put("action", "SCMP_ACT_ALLOW").putArray("names").add("keyctl");

        assertThatThrownBy(() -> SandboxProbe.assertFilterComesFrom(oci, committed())).isInstanceOf(AssertionError.class)
                .hasMessageContaining("keyctl");
    }

    @Test
    void aFilterWithoutTheRuleForBubblewrapFails() throws IOException {
        ObjectNode oci = applied(committed());
        ArrayNode rules = (ArrayNode) oci.path("syscalls");
        rules.remove(rules.size() - 1);

        assertThatThrownBy(() -> SandboxProbe.assertFilterComesFrom(oci, committed())).isInstanceOf(AssertionError.class)
                .hasMessageContaining("rule allowing");
    }

    @Test
    void toolOutputOutsideTheSandboxFails() {
        String unconfined = "status: OK\nexit_code: 0\n---\npid1=tini\nvisible=bash,java,tini,\nSeccomp:\t2\n"
                + "get_mempolicy: -1 1\nrun-minilab-exists=0\n";
        String confined = "status: OK\nexit_code: 0\n---\npid1=bwrap\nvisible=bash,bwrap,cat,\nSeccomp:\t2\n"
                + "get_mempolicy: -1 1\nrun-minilab-exists=1\n";

        assertThatCode(() -> SandboxProbe.assertRanConfined(confined)).doesNotThrowAnyException();
        assertThatThrownBy(() -> SandboxProbe.assertRanConfined(unconfined)).isInstanceOf(AssertionError.class);
        assertThatThrownBy(() -> SandboxProbe.assertRanConfined(confined.replace("-1 1", "0 0")))
                .isInstanceOf(AssertionError.class);
    }
}
