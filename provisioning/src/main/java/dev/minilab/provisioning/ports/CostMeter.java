package dev.minilab.provisioning.ports;

import dev.minilab.runtime.llm.PriceTable;
import java.math.BigDecimal;
import java.util.Optional;

/**
 * Dollars for an LLM call's tokens. The pipeline and the eval harness price calls with the team's one price table
 * ({@link PriceTable}: built-in prices, overridden and extended by {@code LLM_PRICES}), the table the budget
 * ({@code MAX_COST_USD}) and {@code /cost} use. Empty = price unknown (tokens are still counted).
 */
@FunctionalInterface
public interface CostMeter {

    Optional<BigDecimal> costUsd(String model, long inputTokens, long outputTokens);

    /** Prices from the team's table. */
    static CostMeter of(PriceTable table) {
        return table::cost;
    }

    static CostMeter unknown() {
        return (model, in, out) -> Optional.empty();
    }
}
