package dev.minilab.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Issue 18 item 5: .env mistakes stop a process with one line instead of passing in silence. */
class DotEnvValidationTest {

    @Test
    void anUnknownNameStopsWithADidYouMean(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve(".env"), "LLM_MODEL=x\nMAX_STEP=5\n");

        assertThatThrownBy(() -> MiniLabConfig.load(Map.of(), dir))
                .isInstanceOf(ConfigException.class)
                .hasMessage(dir.resolve(".env") + ": MAX_STEP is not a MiniLab setting (did you mean MAX_STEPS?); fix or"
                        + " remove it (every setting is in .env.template)");
    }

    @Test
    void anUnknownNameFarFromAnyKnownOneHasNoSuggestion() {
        assertThatThrownBy(() -> KnownSettings.check(Map.of("FAVOURITE_COLOUR", "blue"), ".env"))
                .hasMessageContaining("FAVOURITE_COLOUR is not a MiniLab setting;");
    }

    @Test
    void perRoleFamiliesAndComposeVariablesAreKnown() {
        KnownSettings.check(Map.of("LLM_MODEL_QA_TESTER", "m", "METRICS_PORT_ARCHITECT_ZERO", "9101",
                "COMPOSE_PROJECT_NAME", "lab", "OPENAI_API_KEY", "k"), ".env");
    }

    @Test
    void aBadLogLevelStopsWithTheAllowedValues(@TempDir Path dir) {
        assertThatThrownBy(() -> MiniLabConfig.from(Map.of("MINILAB_LOG_LEVEL", "VERBOSE"), dir))
                .hasMessage("MINILAB_LOG_LEVEL=VERBOSE is not valid: expected one of TRACE, DEBUG, INFO, WARN, ERROR, OFF");
        assertThat(MiniLabConfig.from(Map.of("MINILAB_LOG_LEVEL", "debug"), dir).logLevel()).isEqualTo("DEBUG");
    }

    @Test
    void anUnclosedQuoteNamesTheLineAndTheVariable() {
        assertThatThrownBy(() -> DotEnv.parse(List.of("OK=1", "LLM_MODEL=\"x"), ".env"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(".env line 2").hasMessageContaining("LLM_MODEL")
                .hasMessageContaining("double quote that is never closed");
        assertThatThrownBy(() -> DotEnv.parse(List.of("OPENAI_API_KEY='abc"), ".env"))
                .hasMessageContaining("single quote that is never closed");
        assertThat(DotEnv.parse(List.of("A=\"with \\\" inside\""), ".env")).containsEntry("A", "with \" inside");
    }

    @Test
    void everyVariableOfTheTemplateIsKnownAndEveryTemplateNameIsListed() throws Exception {
        Path template = findTemplate();
        Set<String> names = new TreeSet<>();
        Matcher m = Pattern.compile("(?m)^#?([A-Z_][A-Z0-9_]*)=").matcher(Files.readString(template));
        while (m.find()) {
            names.add(m.group(1));
        }
        assertThat(names).isNotEmpty().allMatch(KnownSettings::isKnown);
        assertThat(new TreeSet<>(KnownSettings.TEMPLATE)).isEqualTo(names);
    }

    private static Path findTemplate() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null && !Files.exists(dir.resolve(".env.template"))) {
            dir = dir.getParent();
        }
        assertThat(dir).as(".env.template above the module").isNotNull();
        return dir.resolve(".env.template");
    }
}
