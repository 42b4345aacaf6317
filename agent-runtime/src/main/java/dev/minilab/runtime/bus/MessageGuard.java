package dev.minilab.runtime.bus;

import java.util.Optional;

/**
 * Authenticates messages: seals (signs) what this process publishes and checks what it receives.
 * The default guard accepts everything unsigned.
 */
public interface MessageGuard {

    /** Record purpose of a heartbeat in {@code agent_status:<Role>}. */
    String STATUS_RECORD = "status";
    /** Record purpose of a think note on {@code agent_think}. */
    String THINK_RECORD = "think";

    /** A guard that signs nothing and accepts everything (the team runs unsigned). */
    MessageGuard UNSIGNED = new MessageGuard() {
        @Override
        public Message seal(Message message) {
            return message;
        }

        @Override
        public Optional<String> rejectionReason(Message message) {
            return Optional.empty();
        }
    };

    /** Returns {@code message} ready to publish (e.g. with its signature set). */
    Message seal(Message message);

    /** Returns why {@code message} must be dropped, or empty when it may be delivered. */
    Optional<String> rejectionReason(Message message);

    /**
     * Does the costly, stateless part of {@link #rejectionReason} ahead of time, on any thread (the signature check,
     * whose result the guard remembers), so that the in-order {@code rejectionReason} that follows is cheap. Changes
     * nothing {@code rejectionReason} decides on besides that memory (no session moves here): receivers call it in
     * parallel, out of order, and still call {@code rejectionReason} in delivery order.
     *
     * @return true when the message's signature verified (or nothing is checked), false when it did not or cannot
     */
    default boolean verifyAhead(Message message) {
        return true;
    }

    /**
     * Returns why a message arriving LIVE on the channel must be dropped although it verifies (e.g. it is too old to be
     * anything but a replay), or empty. Not applied to history reads, which legitimately hold old messages.
     */
    default Optional<String> liveRejection(Message message) {
        return Optional.empty();
    }

    /**
     * Tells the guard the {@code chat_published_seq} read just before this process subscribed: every message that can
     * arrive live was published after it, so a live message signed with a seq at or below it is a replay.
     */
    default void liveFloor(long publishedSeq) {
    }

    /**
     * Returns the side record {@code json} (a heartbeat or think note of this process, a JSON object) ready to write,
     * e.g. with its signature appended; {@code purpose} says which kind of record it is.
     */
    default String sealRecord(String purpose, String json) {
        return json;
    }

    /**
     * Returns why the side record {@code text}, claimed to be {@code sender}'s record of kind {@code purpose}, must be
     * ignored, or empty when it may be shown.
     */
    default Optional<String> recordRejection(String purpose, String sender, String text) {
        return Optional.empty();
    }
}
