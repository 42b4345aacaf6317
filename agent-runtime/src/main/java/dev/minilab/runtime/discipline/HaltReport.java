package dev.minilab.runtime.discipline;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;

/**
 * The texts of a halt: the one-paragraph cause the declaring agent stores with it, and the message to the User that
 * Architect_Zero's runtime writes from it (what happened, what the last messages were about, how to continue).
 */
final class HaltReport {

    /** Agent messages of the request quoted in the report. */
    static final int LAST_MESSAGES = 5;

    private HaltReport() {
    }

    static String hopsCause(long hops, int maxHops) {
        return "Hop limit reached: " + hops + " messages between agents since your last message (MAX_HOPS=" + maxHops
                + "). No agent starts another turn for this request.";
    }

    static String loopCause(LoopDetector.Loop loop) {
        return "Loop breaker: " + loop.first() + " and " + loop.second() + " exchanged near-identical messages "
                + loop.repeats() + " times in a row, so the team stopped this request. " + loop.first()
                + " kept saying \"" + quote(loop.firstSays()) + "\" and " + loop.second() + " kept answering \""
                + quote(loop.secondSays()) + "\".";
    }

    static String budgetCause(HaltReason reason, long tokens, BigDecimal cost, DisciplineSettings settings) {
        String what = reason == HaltReason.COST
                ? "Budget reached: this request cost " + dollars(cost) + ", over MAX_COST_USD=" + dollars(
                        settings.maxCostUsd()) + " (" + String.format("%,d", tokens) + " tokens)."
                : "Budget reached: this request used " + String.format("%,d", tokens) + " tokens, over MAX_TOKENS="
                        + String.format("%,d", settings.maxTokens()) + " (" + dollars(cost) + ").";
        return what + " No new LLM call starts for this request.";
    }

    /** The message to the User. */
    static String toUser(RequestState state, List<Message> history, List<String> agents) {
        StringBuilder text = new StringBuilder(state.haltDetail().isBlank()
                ? "The team halted this request (" + state.halt().map(HaltReason::wire).orElse("?") + ")."
                : state.haltDetail());
        HaltReason reason = state.halt().orElse(HaltReason.HOPS);
        if (reason == HaltReason.COST || reason == HaltReason.TOKENS) {
            text.append("\nSpent per agent on this request:");
            for (String agent : agents) {
                if (state.tokensOf(agent) > 0) {
                    text.append("\n- ").append(agent).append(": ").append(String.format("%,d", state.tokensOf(agent)))
                            .append(" tokens, ").append(dollars(state.costOf(agent)));
                }
            }
            if (state.unpricedTokens() > 0) {
                text.append("\n(").append(String.format("%,d", state.unpricedTokens())).append(" tokens were on "
                        + "models with an unknown price: counted in tokens only; set LLM_PRICES to price them.)");
            }
        }
        List<Message> last = lastAgentMessages(history, state.requestSeq());
        if (!last.isEmpty()) {
            text.append("\nThe last messages were:");
            for (Message message : last) {
                text.append("\n- ").append(message.sender()).append(": ").append(quote(message.content()));
            }
        }
        text.append("\nTo continue, send a message: it starts a new request (fresh hop count and budget), so say "
                + "what to do next or narrow the task. ");
        text.append(switch (reason) {
            case HOPS -> "To allow longer exchanges, raise MAX_HOPS in .env and restart the agents.";
            case LOOP -> "Settle the point they keep repeating (decide it yourself, or tell one of them to stop).";
            case COST -> "To allow more per request, raise MAX_COST_USD in .env and restart the agents.";
            case TOKENS -> "To allow more per request, raise MAX_TOKENS in .env and restart the agents.";
        });
        text.append(" STOP halts every agent; CLEAR starts over.");
        return text.toString();
    }

    private static List<Message> lastAgentMessages(List<Message> history, long requestSeq) {
        List<Message> agentChat = new ArrayList<>();
        for (Message message : history) {
            if (message.kind() == MessageKind.CHAT && !message.isFromUser() && message.controlCommand().isEmpty()
                    && (requestSeq <= 0 || message.seq() > requestSeq)) {
                agentChat.add(message);
            }
        }
        return agentChat.subList(Math.max(0, agentChat.size() - LAST_MESSAGES), agentChat.size());
    }

    static String dollars(BigDecimal amount) {
        return "$" + amount.setScale(amount.abs().compareTo(BigDecimal.ONE) < 0 ? 4 : 2, RoundingMode.HALF_UP)
                .toPlainString();
    }

    static String quote(String text) {
        String line = text.strip().replaceAll("\\s+", " ");
        return line.length() <= 160 ? line : line.substring(0, 160) + "…";
    }
}
