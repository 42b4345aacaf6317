package dev.minilab.provisioning.ports;

import dev.minilab.runtime.config.ConfigException;
import java.math.BigDecimal;
import java.math.MathContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * USD per one million input and output tokens per model, from {@code LLM_PRICES}
 * ({@code model=in:out,model2=in:out}, e.g. {@code gpt-4o-mini=0.15:0.60}). No built-in prices here: the team's
 * price table (issue "Team discipline") replaces this class when it lands. A model not listed has no price.
 */
public final class PriceList implements CostMeter {

    /** The setting read by {@link #fromEnv}. */
    public static final String VARIABLE = "LLM_PRICES";

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    /** Price of one model in USD per 1M tokens. */
    public record Price(BigDecimal input, BigDecimal output) { }

    private final Map<String, Price> prices;

    public PriceList(Map<String, Price> prices) {
        this.prices = Map.copyOf(prices);
    }

    public static PriceList fromEnv(Map<String, String> env) {
        String value = env.get(VARIABLE);
        return value == null || value.isBlank() ? new PriceList(Map.of()) : parse(value);
    }

    /** @throws ConfigException naming LLM_PRICES when an entry is malformed */
    public static PriceList parse(String value) {
        Map<String, Price> prices = new LinkedHashMap<>();
        for (String entry : value.split(",")) {
            if (entry.isBlank()) {
                continue;
            }
            int eq = entry.lastIndexOf('=');
            String[] parts = eq < 0 ? new String[0] : entry.substring(eq + 1).split(":");
            if (eq <= 0 || parts.length != 2) {
                throw ConfigException.invalid(VARIABLE, value, "model=input:output entries (USD per 1M tokens), "
                        + "comma-separated, e.g. gpt-4o-mini=0.15:0.60");
            }
            try {
                BigDecimal in = new BigDecimal(parts[0].strip());
                BigDecimal out = new BigDecimal(parts[1].strip());
                if (in.signum() < 0 || out.signum() < 0) {
                    throw new NumberFormatException("negative");
                }
                prices.put(entry.substring(0, eq).strip(), new Price(in, out));
            } catch (NumberFormatException e) {
                throw ConfigException.invalid(VARIABLE, value, "non-negative numbers in model=input:output, e.g. "
                        + "gpt-4o-mini=0.15:0.60");
            }
        }
        return new PriceList(prices);
    }

    @Override
    public Optional<BigDecimal> costUsd(String model, long inputTokens, long outputTokens) {
        Price price = prices.get(model);
        if (price == null) {
            return Optional.empty();
        }
        BigDecimal cost = price.input().multiply(BigDecimal.valueOf(inputTokens))
                .add(price.output().multiply(BigDecimal.valueOf(outputTokens)))
                .divide(MILLION, MathContext.DECIMAL64);
        return Optional.of(cost);
    }
}
