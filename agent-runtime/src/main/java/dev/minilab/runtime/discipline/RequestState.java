package dev.minilab.runtime.discipline;

import java.math.BigDecimal;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * A snapshot of hash {@code request_state}: what the current User request has used so far, shared by the four
 * agent processes.
 *
 * @param requestSeq   seq of the User message that opened the request (0 before the first)
 * @param hops         agent-to-agent chat messages since then
 * @param tokens       input + output tokens of every LLM call since then
 * @param costUsd      dollars of the calls whose model has a known price
 * @param unpricedTokens tokens of calls whose model's price is unknown
 * @param halt         why the request was halted, if it was
 * @param haltDetail   the figure or the agents behind the halt, for the report
 * @param haltedBy     the agent that declared the halt
 * @param reported     whether the halt report went to the User
 * @param question     the open {@code ask_user} question, if any
 * @param perAgent     tokens and dollars per agent ({@code tokens:<agent>}, {@code cost:<agent>})
 */
public record RequestState(long requestSeq, long hops, long tokens, BigDecimal costUsd, long unpricedTokens,
                           Optional<HaltReason> halt, String haltDetail, String haltedBy, boolean reported,
                           Optional<String> question, Map<String, String> perAgent) {

    public RequestState {
        perAgent = Map.copyOf(perAgent);
    }

    /** Reads the hash fields (missing fields are zero or empty). */
    static RequestState from(Map<String, String> hash) {
        Map<String, String> agents = new TreeMap<>();
        hash.forEach((field, value) -> {
            if (field.startsWith("tokens:") || field.startsWith("cost:")) {
                agents.put(field, value);
            }
        });
        String question = hash.getOrDefault("question", "");
        return new RequestState(number(hash.get("request_seq")), number(hash.get("hops")),
                number(hash.get("tokens")), decimal(hash.get("cost")), number(hash.get("unpriced")),
                HaltReason.parse(hash.getOrDefault("halted", "")), hash.getOrDefault("halt_detail", ""),
                hash.getOrDefault("halted_by", ""), "1".equals(hash.get("reported")),
                question.isBlank() ? Optional.empty() : Optional.of(question), agents);
    }

    public boolean halted() {
        return halt.isPresent();
    }

    /** Tokens used by {@code agent} on this request. */
    public long tokensOf(String agent) {
        return number(perAgent.get("tokens:" + agent));
    }

    /** Dollars spent by {@code agent} on this request (priced models only). */
    public BigDecimal costOf(String agent) {
        return decimal(perAgent.get("cost:" + agent));
    }

    private static long number(String text) {
        if (text == null || text.isBlank()) {
            return 0;
        }
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return 0;
        }
    }

    private static BigDecimal decimal(String text) {
        if (text == null || text.isBlank()) {
            return BigDecimal.ZERO;
        }
        try {
            return new BigDecimal(text.strip());
        } catch (NumberFormatException e) {
            return BigDecimal.ZERO;
        }
    }
}
