package dev.minilab.runtime.discipline;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The loop breaker (LESSONS row 16): two agents exchanging near-identical messages {@code repeats} times in a row.
 *
 * <p>It looks at the agent chat messages since the User's last message: the last {@code 2 × repeats} must alternate
 * between the same two agents A and B (A, B, A, B, ...), and each agent's messages among them must be near-identical
 * to one another ({@link Similarity}). With the default 3 that is three round trips saying the same thing.
 */
public final class LoopDetector {

    /** A detected loop: the two agents and one sample message of each. */
    public record Loop(String first, String second, String firstSays, String secondSays, int repeats) { }

    private final int repeats;

    public LoopDetector(int repeats) {
        if (repeats < 2) {
            throw new IllegalArgumentException("repeats must be at least 2");
        }
        this.repeats = repeats;
    }

    /** How many of the newest history entries {@link #find} needs. */
    public int window() {
        return 2 * repeats;
    }

    /** Checks the conversation ({@code history}, oldest first, any kinds) for a loop at its end. */
    public Optional<Loop> find(List<Message> history) {
        List<Message> recent = new ArrayList<>();
        for (int i = history.size() - 1; i >= 0 && recent.size() < 2 * repeats; i--) {
            Message message = history.get(i);
            if (message.kind() != MessageKind.CHAT || message.controlCommand().isPresent()) {
                continue;
            }
            if (message.isFromUser()) {
                break; // a User message starts a new request: nothing before it counts
            }
            recent.addFirst(message);
        }
        if (recent.size() < 2 * repeats) {
            return Optional.empty();
        }
        String a = recent.get(0).sender();
        String b = recent.get(1).sender();
        if (a.equals(b)) {
            return Optional.empty();
        }
        for (int i = 0; i < recent.size(); i++) {
            String expected = i % 2 == 0 ? a : b;
            if (!recent.get(i).sender().equals(expected)) {
                return Optional.empty();
            }
            if (i >= 2 && !Similarity.nearIdentical(recent.get(i - 2).content(), recent.get(i).content())) {
                return Optional.empty();
            }
        }
        return Optional.of(new Loop(a, b, recent.get(recent.size() - 2).content(), recent.getLast().content(),
                repeats));
    }
}
