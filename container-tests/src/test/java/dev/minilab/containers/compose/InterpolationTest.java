package dev.minilab.containers.compose;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class InterpolationTest {

    private final Interpolation env = new Interpolation(Map.of("SET", "value", "EMPTY", ""));

    @Test
    void plainAndBracedVariablesAreReplacedAndUnsetOnesBecomeEmpty() {
        assertThat(env.apply("a $SET b ${SET} c ${UNSET}d")).isEqualTo("a value b value c d");
    }

    @Test
    void defaultsDistinguishUnsetFromEmptyAsComposeDoes() {
        assertThat(env.apply("${UNSET:-d1} ${EMPTY:-d2} ${SET:-d3}")).isEqualTo("d1 d2 value");
        assertThat(env.apply("${UNSET-d1}|${EMPTY-d2}|${SET-d3}")).isEqualTo("d1||value");
        assertThat(env.apply("${UNSET:-${SET}}")).isEqualTo("value");
        assertThat(env.apply("/run/minilab/ssh/${SSH_KEY_NAME:-bootstrap_id_rsa}"))
                .isEqualTo("/run/minilab/ssh/bootstrap_id_rsa");
    }

    @Test
    void requiredVariablesFailWithTheirMessage() {
        assertThatThrownBy(() -> env.apply("${EMPTY:?EMPTY is not set: copy .env.template}"))
                .isInstanceOf(ComposeException.class).hasMessageContaining("EMPTY is not set: copy .env.template");
        assertThat(env.apply("${EMPTY?only unset fails}")).isEmpty();
        assertThatThrownBy(() -> env.apply("${UNSET?gone}")).hasMessageContaining("gone");
    }

    @Test
    void alternativesAndEscapedDollars() {
        assertThat(env.apply("${SET:+yes}|${EMPTY:+yes}|${EMPTY+yes}")).isEqualTo("yes||yes");
        assertThat(env.apply("cost $$5 and $")).isEqualTo("cost $5 and $");
    }

    @Test
    void malformedExpressionsFail() {
        assertThatThrownBy(() -> env.apply("${SET")).isInstanceOf(ComposeException.class);
        assertThatThrownBy(() -> env.apply("${1X}")).isInstanceOf(ComposeException.class);
        assertThatThrownBy(() -> env.apply("${SET%x}")).isInstanceOf(ComposeException.class);
    }
}
