package dev.minilab.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.minilab.runtime.config.ConfigException;
import java.math.BigDecimal;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PriceTableTest {

    @Test
    void builtInModelsHaveTheirListPriceAndDatedVariantsTheFamilyPrice() {
        PriceTable table = PriceTable.builtIn();

        assertThat(table.priceOf("gpt-4o-mini")).contains(Price.of("0.15", "0.60"));
        assertThat(table.priceOf("gpt-4o-mini-2024-07-18")).contains(Price.of("0.15", "0.60"));
        assertThat(table.priceOf("gpt-4o-2024-08-06")).contains(Price.of("2.50", "10.00"));
        assertThat(table.priceOf("openai/gpt-4o")).contains(Price.of("2.50", "10.00"));
        assertThat(table.priceOf("GPT-5-MINI")).contains(Price.of("0.25", "2.00"));
    }

    @Test
    void unknownModelsHaveNoPrice() {
        PriceTable table = PriceTable.builtIn();

        assertThat(table.priceOf("qwen2.5:7b")).isEmpty();
        assertThat(table.priceOf("gpt-4oxyz")).isEmpty();
        assertThat(table.cost("llama3", 1000, 1000)).isEmpty();
    }

    @Test
    void costIsTokensTimesPricePerMillion() {
        PriceTable table = PriceTable.builtIn();

        // 1M input at $2.50 + 0.5M output at $10.00 = $7.50
        assertThat(table.cost("gpt-4o", 1_000_000, 500_000)).hasValueSatisfying(
                cost -> assertThat(cost).isEqualByComparingTo("7.50"));
        assertThat(table.cost("gpt-4o-mini", 300, 20)).hasValueSatisfying(
                cost -> assertThat(cost).isEqualByComparingTo(new BigDecimal("0.000057")));
    }

    @Test
    void llmPricesOverridesAndExtendsTheTableIncludingNamesWithColons() {
        PriceTable table = PriceTable.fromEnv(Map.of("LLM_PRICES", "gpt-4o=1:2, qwen2.5:7b=0:0,my-model=0.5:1.5"));

        assertThat(table.priceOf("gpt-4o")).contains(Price.of("1", "2"));
        assertThat(table.priceOf("qwen2.5:7b")).contains(Price.of("0", "0"));
        assertThat(table.priceOf("my-model")).contains(Price.of("0.5", "1.5"));
        assertThat(table.priceOf("gpt-4o-mini")).contains(Price.of("0.15", "0.60"));
    }

    @Test
    void malformedLlmPricesFailsNamingTheVariable() {
        for (String bad : new String[] {"gpt-4o", "gpt-4o=1", "gpt-4o=a:b", "=1:2", "gpt-4o=-1:2"}) {
            assertThatThrownBy(() -> PriceTable.fromEnv(Map.of("LLM_PRICES", bad)))
                    .as(bad).isInstanceOf(ConfigException.class).hasMessageStartingWith("LLM_PRICES=");
        }
    }
}
