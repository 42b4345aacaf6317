package dev.minilab.console.bus;

import dev.minilab.runtime.bus.Message;

import java.util.List;
import java.util.Map;

/**
 * What the console needs from the team bus: send as the User, hear the channel and the think feed, read history,
 * heartbeats and usage, and wipe the conversation.
 *
 * <p>Implementations are thread-safe; listeners are called on the bus's own threads and must not block.
 */
public interface ConsoleBus extends AutoCloseable {

    /** Publishes a User chat message; returns what was published (with id and seq when the bus assigns them). */
    Message sendChat(String content);

    /** Publishes a User control message whose content is {@code command} ({@code STOP} or {@code CLEAR}). */
    Message sendControl(String command);

    /** Starts delivering channel messages and think notes to {@code listener}. */
    void subscribe(Listener listener);

    /** The last {@code n} messages of the conversation history, oldest first. */
    List<Message> history(int n);

    /** Deletes the conversation history and the pinned user requirements. */
    void clearConversation();

    /** The verified heartbeats ({@code agent_status:<Role>}): role → JSON. Empty when no agent reported yet. */
    Map<String, String> statuses();

    /**
     * The usage of every role: its hash {@code agent_usage:<Role>} ({@code role|model|counter} → number) plus the
     * legacy shared hash {@code agent_usage} (older records, also {@code role|model} → JSON).
     */
    Map<String, String> usage();

    /**
     * Gives the User's verdict on a terraform plan (a signed User message the approval gate checks); returns what
     * happened, for the console to print.
     */
    default String planVerdict(String planId, boolean approved, String why) {
        throw new UnsupportedOperationException("this console bus cannot give plan verdicts");
    }

    /** The guardrails' hash {@code request_state} (hops, tokens, dollars of the current request); empty if none. */
    default Map<String, String> requestState() {
        return Map.of();
    }

    @Override
    void close();

    /** Receives what the console shows; called on bus threads. */
    interface Listener {
        /** A message on the team channel (including the User's own). */
        void onMessage(Message message);

        /** A think note from {@code sender} (verbose feed, never part of the conversation). */
        default void onThink(String sender, String text) {
        }

        /** The bus lost Redis and is back: messages published meanwhile were not delivered live. */
        default void onReconnected() {
        }
    }
}
