package dev.minilab.runtime.discipline;

import dev.minilab.runtime.approval.Approver;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.llm.PriceTable;
import java.math.BigDecimal;
import java.util.Map;
import java.util.Objects;

/**
 * The team's guardrails (README "Guardrails"), built once per process from the env map.
 *
 * @param maxHops             MAX_HOPS: agent-to-agent chat messages per User request before the team halts
 * @param maxCostUsd          MAX_COST_USD: dollars per User request, all four agents together
 * @param maxTokens           MAX_TOKENS: tokens (input + output) per User request, all four agents together
 * @param contextBudgetTokens CONTEXT_BUDGET_TOKENS: tokens one LLM request may carry
 * @param loopRepeats         near-identical exchanges in a row that trip the loop breaker
 * @param mode                MINILAB_MODE
 * @param prices              the price table (built-in + LLM_PRICES)
 * @param approver            APPROVER: whose verdict lets a terraform plan be applied
 */
public record DisciplineSettings(int maxHops, BigDecimal maxCostUsd, long maxTokens, int contextBudgetTokens,
                                 int loopRepeats, Mode mode, PriceTable prices, Approver approver) {

    public static final int DEFAULT_MAX_HOPS = 30;
    public static final BigDecimal DEFAULT_MAX_COST_USD = new BigDecimal("5.00");
    public static final long DEFAULT_MAX_TOKENS = 3_000_000;
    public static final int DEFAULT_CONTEXT_BUDGET_TOKENS = 16_000;
    public static final int LOOP_REPEATS = 3;

    public DisciplineSettings {
        if (maxHops < 1 || maxTokens < 1 || contextBudgetTokens < 1000 || loopRepeats < 2) {
            throw new IllegalArgumentException("guardrail limits out of range: maxHops=" + maxHops + ", maxTokens="
                    + maxTokens + ", contextBudgetTokens=" + contextBudgetTokens + ", loopRepeats=" + loopRepeats);
        }
        Objects.requireNonNull(maxCostUsd, "maxCostUsd");
        Objects.requireNonNull(mode, "mode");
        Objects.requireNonNull(prices, "prices");
        Objects.requireNonNull(approver, "approver");
    }

    /** The defaults of README "Guardrails" with the built-in prices. */
    public static DisciplineSettings defaults() {
        return fromEnv(Map.of());
    }

    /**
     * Reads MAX_HOPS, MAX_COST_USD, MAX_TOKENS, CONTEXT_BUDGET_TOKENS, MINILAB_MODE and LLM_PRICES.
     *
     * @throws ConfigException naming the first malformed variable
     */
    public static DisciplineSettings fromEnv(Map<String, String> env) {
        int hops = (int) wholeNumber(env, "MAX_HOPS", DEFAULT_MAX_HOPS, 1, 100_000);
        long tokens = wholeNumber(env, "MAX_TOKENS", DEFAULT_MAX_TOKENS, 1, Long.MAX_VALUE / 4);
        int budget = (int) wholeNumber(env, "CONTEXT_BUDGET_TOKENS", DEFAULT_CONTEXT_BUDGET_TOKENS, 1000, 2_000_000);
        BigDecimal cost = DEFAULT_MAX_COST_USD;
        String costText = env.get("MAX_COST_USD");
        if (costText != null && !costText.isBlank()) {
            try {
                cost = new BigDecimal(costText.strip().replaceFirst("^\\$", ""));
            } catch (NumberFormatException e) {
                throw ConfigException.invalid("MAX_COST_USD", costText, "a dollar amount such as 5.00");
            }
            if (cost.signum() <= 0) {
                throw ConfigException.invalid("MAX_COST_USD", costText, "a dollar amount above 0, such as 5.00");
            }
        }
        return new DisciplineSettings(hops, cost, tokens, budget, LOOP_REPEATS, Mode.parse(env.get(Mode.VARIABLE)),
                PriceTable.fromEnv(env), Approver.parse(env.get(Approver.VARIABLE)));
    }

    /** A copy with another hop limit (tests). */
    public DisciplineSettings withMaxHops(int hops) {
        return new DisciplineSettings(hops, maxCostUsd, maxTokens, contextBudgetTokens, loopRepeats, mode, prices,
                approver);
    }

    private static long wholeNumber(Map<String, String> env, String name, long fallback, long min, long max) {
        String text = env.get(name);
        if (text == null || text.isBlank()) {
            return fallback;
        }
        try {
            long value = Long.parseLong(text.strip().replace("_", ""));
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw ConfigException.invalid(name, text, "a whole number from " + min + " to " + max);
    }
}
