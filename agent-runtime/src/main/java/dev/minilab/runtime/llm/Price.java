package dev.minilab.runtime.llm;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.Objects;

/**
 * What one model costs, in US dollars per million input and per million output tokens.
 *
 * @param inputPerMillion  USD per 1M prompt tokens
 * @param outputPerMillion USD per 1M completion tokens
 */
public record Price(BigDecimal inputPerMillion, BigDecimal outputPerMillion) {

    private static final BigDecimal MILLION = BigDecimal.valueOf(1_000_000);

    public Price {
        Objects.requireNonNull(inputPerMillion, "inputPerMillion");
        Objects.requireNonNull(outputPerMillion, "outputPerMillion");
        if (inputPerMillion.signum() < 0 || outputPerMillion.signum() < 0) {
            throw new IllegalArgumentException("prices must not be negative");
        }
    }

    /** A price from two decimal texts, e.g. {@code of("0.15", "0.60")}. */
    public static Price of(String inputPerMillion, String outputPerMillion) {
        return new Price(new BigDecimal(inputPerMillion), new BigDecimal(outputPerMillion));
    }

    /** The cost in USD of {@code input} prompt and {@code output} completion tokens (12 decimal places). */
    public BigDecimal cost(long input, long output) {
        return inputPerMillion.multiply(BigDecimal.valueOf(input))
                .add(outputPerMillion.multiply(BigDecimal.valueOf(output)))
                .divide(MILLION, 12, RoundingMode.HALF_UP);
    }

    @Override
    public String toString() {
        return inputPerMillion.toPlainString() + ":" + outputPerMillion.toPlainString();
    }
}
