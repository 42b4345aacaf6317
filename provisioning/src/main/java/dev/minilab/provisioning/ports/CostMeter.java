package dev.minilab.provisioning.ports;

import java.math.BigDecimal;
import java.util.Optional;

/**
 * Dollars for an LLM call's tokens. Integration point for the team's price table (issue "Team discipline"); until it
 * is wired, {@link PriceList} reads {@code LLM_PRICES}. Empty = price unknown (tokens are still counted).
 */
@FunctionalInterface
public interface CostMeter {

    Optional<BigDecimal> costUsd(String model, long inputTokens, long outputTokens);

    static CostMeter unknown() {
        return (model, in, out) -> Optional.empty();
    }
}
