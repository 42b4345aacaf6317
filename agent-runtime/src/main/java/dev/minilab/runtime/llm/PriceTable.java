package dev.minilab.runtime.llm;

import dev.minilab.runtime.config.ConfigException;
import java.math.BigDecimal;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Prices of LLM models (USD per 1M input/output tokens): a built-in table of common hosted models, overridden and
 * extended by {@code LLM_PRICES} ({@code model=in:out,model2=in:out}).
 *
 * <p>A model is found by its exact name (case-insensitive), then without a provider prefix ({@code openai/gpt-4o}),
 * then by the longest table name it starts with, so dated variants such as {@code gpt-4o-mini-2024-07-18} get the
 * price of {@code gpt-4o-mini}. A model not found has an unknown price: its tokens count against {@code MAX_TOKENS}
 * only, and {@code /cost} says "price unknown". Local models (Ollama, vLLM) are unknown unless listed, e.g.
 * {@code LLM_PRICES=qwen2.5:7b=0:0}.
 */
public final class PriceTable {

    /** The variable that overrides and extends the built-in prices. */
    public static final String VARIABLE = "LLM_PRICES";

    /**
     * List prices of the providers' standard (non-batch, uncached) API tiers, USD per 1M tokens, as published in
     * 2025. Providers change them: check yours and override with LLM_PRICES.
     */
    static final Map<String, Price> BUILT_IN = listPrices();

    private final Map<String, Price> prices;

    private PriceTable(Map<String, Price> prices) {
        this.prices = Collections.unmodifiableMap(prices);
    }

    /** The built-in table only. */
    public static PriceTable builtIn() {
        return new PriceTable(new LinkedHashMap<>(BUILT_IN));
    }

    /**
     * The built-in table with {@code LLM_PRICES} from {@code env} applied on top.
     *
     * @throws ConfigException naming LLM_PRICES when an entry is malformed
     */
    public static PriceTable fromEnv(Map<String, String> env) {
        Map<String, Price> all = new LinkedHashMap<>(BUILT_IN);
        String text = env.get(VARIABLE);
        if (text != null && !text.isBlank()) {
            all.putAll(parse(text));
        }
        return new PriceTable(all);
    }

    /** Parses {@code model=in:out,model2=in:out}; model names may contain ':' and '/', not '=' or ','. */
    static Map<String, Price> parse(String text) {
        Map<String, Price> parsed = new LinkedHashMap<>();
        for (String entry : text.split(",")) {
            String trimmed = entry.strip();
            if (trimmed.isEmpty()) {
                continue;
            }
            int eq = trimmed.lastIndexOf('=');
            String[] amounts = eq < 0 ? new String[0] : trimmed.substring(eq + 1).split(":");
            String model = eq < 0 ? "" : trimmed.substring(0, eq).strip();
            if (model.isEmpty() || amounts.length != 2) {
                throw malformed(text, trimmed);
            }
            try {
                parsed.put(model.toLowerCase(Locale.ROOT), new Price(new BigDecimal(amounts[0].strip()),
                        new BigDecimal(amounts[1].strip())));
            } catch (IllegalArgumentException e) {
                throw malformed(text, trimmed);
            }
        }
        return parsed;
    }

    private static ConfigException malformed(String text, String entry) {
        return ConfigException.invalid(VARIABLE, text, "model=input:output USD per 1M tokens, comma-separated, "
                + "e.g. gpt-4o=2.50:10.00,qwen2.5:7b=0:0 (cannot read '" + entry + "')");
    }

    /** The price of {@code model}, or empty when it is unknown. */
    public Optional<Price> priceOf(String model) {
        if (model == null || model.isBlank()) {
            return Optional.empty();
        }
        String name = model.strip().toLowerCase(Locale.ROOT);
        Price exact = prices.get(name);
        if (exact != null) {
            return Optional.of(exact);
        }
        int slash = name.lastIndexOf('/');
        if (slash >= 0 && slash < name.length() - 1) {
            Optional<Price> unprefixed = priceOf(name.substring(slash + 1));
            if (unprefixed.isPresent()) {
                return unprefixed;
            }
        }
        String best = null;
        for (String known : prices.keySet()) {
            if (name.startsWith(known) && (best == null || known.length() > best.length())
                    && isVariantBoundary(name, known.length())) {
                best = known;
            }
        }
        return Optional.ofNullable(best).map(prices::get);
    }

    /** A dated or tagged variant continues with '-', ':', '@' or '.' (gpt-4o-2024-08-06, not gpt-4oxyz). */
    private static boolean isVariantBoundary(String name, int at) {
        char next = name.charAt(at);
        return next == '-' || next == ':' || next == '@' || next == '.';
    }

    /** The cost of one call, or empty when the model's price is unknown. */
    public Optional<BigDecimal> cost(String model, long input, long output) {
        return priceOf(model).map(price -> price.cost(input, output));
    }

    /** Every known model and its price (built-in and LLM_PRICES), for documentation and tests. */
    public Map<String, Price> entries() {
        return prices;
    }

    private static Map<String, Price> listPrices() {
        Map<String, Price> table = new LinkedHashMap<>();
        // OpenAI
        table.put("gpt-5", Price.of("1.25", "10.00"));
        table.put("gpt-5-mini", Price.of("0.25", "2.00"));
        table.put("gpt-5-nano", Price.of("0.05", "0.40"));
        table.put("gpt-4.1", Price.of("2.00", "8.00"));
        table.put("gpt-4.1-mini", Price.of("0.40", "1.60"));
        table.put("gpt-4.1-nano", Price.of("0.10", "0.40"));
        table.put("gpt-4o", Price.of("2.50", "10.00"));
        table.put("gpt-4o-mini", Price.of("0.15", "0.60"));
        table.put("o3", Price.of("2.00", "8.00"));
        table.put("o3-mini", Price.of("1.10", "4.40"));
        table.put("o4-mini", Price.of("1.10", "4.40"));
        // Anthropic
        table.put("claude-opus-4", Price.of("15.00", "75.00"));
        table.put("claude-sonnet-4", Price.of("3.00", "15.00"));
        table.put("claude-3-7-sonnet", Price.of("3.00", "15.00"));
        table.put("claude-3-5-sonnet", Price.of("3.00", "15.00"));
        table.put("claude-haiku-4-5", Price.of("1.00", "5.00"));
        table.put("claude-3-5-haiku", Price.of("0.80", "4.00"));
        // Google
        table.put("gemini-2.5-pro", Price.of("1.25", "10.00"));
        table.put("gemini-2.5-flash", Price.of("0.30", "2.50"));
        table.put("gemini-2.0-flash", Price.of("0.10", "0.40"));
        // DeepSeek, Mistral
        table.put("deepseek-chat", Price.of("0.27", "1.10"));
        table.put("deepseek-reasoner", Price.of("0.55", "2.19"));
        table.put("mistral-large", Price.of("2.00", "6.00"));
        table.put("mistral-small", Price.of("0.10", "0.30"));
        return table;
    }
}
