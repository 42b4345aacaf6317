package dev.minilab.runtime.agent;

import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Builds what the model sees for one turn (DESIGN.md section 7): the system prompt (starting with
 * {@code You are <name>.}), the pinned user requests, the history window (chat only: think, status and control
 * never), and the triggering message once, last.
 */
public final class ContextBuilder {

    /** Characters of pinned user requests kept in the prompt; the newest are kept when there are more. */
    static final int PINNED_BUDGET_CHARS = 8_000;

    private final String agentName;
    private final String systemPrompt;
    private final UnaryOperator<String> redactor;

    public ContextBuilder(String agentName, String systemPrompt, UnaryOperator<String> redactor) {
        this.agentName = agentName;
        this.systemPrompt = systemPrompt;
        this.redactor = redactor;
    }

    public List<ChatMessage> build(List<Message> pinned, List<Message> history, int window, Message trigger) {
        List<ChatMessage> context = new ArrayList<>();
        context.add(SystemMessage.from(systemText(pinned)));
        List<Message> chat = history.stream()
                .filter(m -> m.kind() == MessageKind.CHAT && m.controlCommand().isEmpty())
                .filter(m -> !m.id().equals(trigger.id()))
                .toList();
        List<Message> windowed = chat.subList(Math.max(0, chat.size() - Math.max(0, window - 1)), chat.size());
        for (Message message : windowed) {
            context.add(asChat(message));
        }
        context.add(UserMessage.from(redactor.apply(line(trigger))));
        return context;
    }

    /**
     * The system prompt with the pinned requests, redacted piece by piece: the prompt and each pinned request are
     * redacted on their own, so each is the same text turn after turn and the redactor's cache answers it (issue 12:
     * the whole text changed with every new pin and was redacted in full on every turn). A secret never spans two
     * pieces: each request is a separate message of the User's, and key material cut across two of them is still
     * caught by the redactor's base64 rule.
     */
    private String systemText(List<Message> allPinned) {
        // Second line of defence: the bus already drops pins not sent by the User; never show anyone else's words here.
        List<Message> pinned = allPinned.stream()
                .filter(m -> m.isFromUser() && m.kind() == MessageKind.CHAT && m.controlCommand().isEmpty())
                .toList();
        StringBuilder text = new StringBuilder();
        text.append(redactor.apply("You are " + agentName + ".\n\n" + systemPrompt.strip() + "\n"));
        if (!pinned.isEmpty()) {
            // The first request is the session's goal (LESSONS row 15): it always stays; then the newest that fit.
            String first = pinLine(pinned.getFirst());
            List<String> lines = new ArrayList<>();
            int used = first.length();
            int omitted = 0;
            for (int i = pinned.size() - 1; i >= 1; i--) {
                String line = pinLine(pinned.get(i));
                if (used + line.length() > PINNED_BUDGET_CHARS) {
                    omitted = i;
                    break;
                }
                lines.addFirst(line);
                used += line.length();
            }
            text.append("\n## The User's requests in this session (pinned, oldest first)\n");
            text.append(redactor.apply(first)).append('\n');
            if (omitted > 0) {
                text.append("(").append(omitted).append(" later requests omitted for length)\n");
            }
            lines.forEach(line -> text.append(redactor.apply(line)).append('\n'));
        }
        return text.toString();
    }

    /** One pinned request with its sender and time, so the model sees who asked and when. */
    private static String pinLine(Message message) {
        return "- [" + message.sender() + " at " + message.timestamp() + "]: " + message.content().strip();
    }

    private ChatMessage asChat(Message message) {
        if (message.sender().equals(agentName)) {
            return AiMessage.from(redactor.apply(message.content()));
        }
        return UserMessage.from(redactor.apply(line(message)));
    }

    private static String line(Message message) {
        return "[" + message.sender() + "]: " + message.content();
    }
}
