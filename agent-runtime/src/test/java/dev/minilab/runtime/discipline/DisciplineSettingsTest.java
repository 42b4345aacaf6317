package dev.minilab.runtime.discipline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DisciplineSettingsTest {

    @Test
    void defaultsAreThoseOfTheReadme() {
        DisciplineSettings settings = DisciplineSettings.defaults();

        assertThat(settings.maxHops()).isEqualTo(30);
        assertThat(settings.maxCostUsd()).isEqualByComparingTo("5.00");
        assertThat(settings.maxTokens()).isEqualTo(3_000_000);
        assertThat(settings.contextBudgetTokens()).isEqualTo(16_000);
        assertThat(settings.mode()).isEqualTo(Mode.NORMAL);
    }

    @Test
    void valuesAreReadFromTheEnv() {
        DisciplineSettings settings = DisciplineSettings.fromEnv(Map.of("MAX_HOPS", "12", "MAX_COST_USD", "$0.50",
                "MAX_TOKENS", "100_000", "CONTEXT_BUDGET_TOKENS", "8000", "MINILAB_MODE", "Plan_Only"));

        assertThat(settings.maxHops()).isEqualTo(12);
        assertThat(settings.maxCostUsd()).isEqualByComparingTo("0.50");
        assertThat(settings.maxTokens()).isEqualTo(100_000);
        assertThat(settings.contextBudgetTokens()).isEqualTo(8000);
        assertThat(settings.mode()).isEqualTo(Mode.PLAN_ONLY);
    }

    @Test
    void malformedValuesFailWithOneLineNamingTheVariable() {
        Map<String, String> bad = Map.of("MAX_HOPS", "0", "MAX_COST_USD", "five", "MAX_TOKENS", "-1",
                "CONTEXT_BUDGET_TOKENS", "10", "MINILAB_MODE", "dry-run");
        bad.forEach((name, value) -> assertThatThrownBy(() -> DisciplineSettings.fromEnv(Map.of(name, value)))
                .as(name).isInstanceOf(ConfigException.class).hasMessageStartingWith(name + "=" + value)
                .hasMessageNotContaining("\n"));
        assertThatThrownBy(() -> DisciplineSettings.fromEnv(Map.of("MAX_COST_USD", "0")))
                .hasMessageStartingWith("MAX_COST_USD=0");
    }
}
