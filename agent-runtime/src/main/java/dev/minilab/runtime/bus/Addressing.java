package dev.minilab.runtime.bus;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Who answers whom (DESIGN.md section 5).
 *
 * <ul>
 *   <li>The {@code userAnswerer} (Architect_Zero) answers every User chat message.</li>
 *   <li>Any participant answers a chat message that @-mentions it in prose ({@link Mentions}).</li>
 *   <li>A message with an explicit {@code to} list goes to exactly those names.</li>
 *   <li>Nobody answers itself; status and control messages trigger nobody.</li>
 * </ul>
 *
 * @param participants the agent names on the team
 * @param userAnswerer the agent that answers every User message
 */
public record Addressing(Set<String> participants, String userAnswerer) {

    public Addressing {
        participants = Set.copyOf(participants);
        Objects.requireNonNull(userAnswerer, "userAnswerer");
        if (!participants.contains(userAnswerer)) {
            throw new IllegalArgumentException(userAnswerer + " is not one of the participants " + participants);
        }
    }

    /** The recipients a sender should put into {@code to} for {@code content}: mentioned agents (+ User if named). */
    public List<String> recipientsOf(String sender, String content) {
        Set<String> recipients = new LinkedHashSet<>();
        if (Message.USER.equals(sender)) {
            recipients.add(userAnswerer);
        }
        Collection<String> names = new ArrayList<>(participants);
        names.add(Message.USER);
        recipients.addAll(Mentions.in(content, names));
        recipients.removeIf(name -> name.equalsIgnoreCase(sender));
        return List.copyOf(recipients);
    }

    /** Returns true when {@code agent} must take a turn for {@code message}. */
    public boolean triggers(String agent, Message message) {
        if (message.kind() != MessageKind.CHAT || message.controlCommand().isPresent()) {
            return false;
        }
        if (message.sender().equalsIgnoreCase(agent)) {
            return false;
        }
        List<String> recipients = message.to().isEmpty()
                ? recipientsOf(message.sender(), message.content())
                : message.to();
        return recipients.stream().anyMatch(name -> name.equalsIgnoreCase(agent));
    }
}
