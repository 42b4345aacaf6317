package dev.minilab.runtime.bus;

import java.util.Optional;

/**
 * Authenticates messages: seals (signs) what this process publishes and checks what it receives.
 * The default guard accepts everything unsigned.
 */
public interface MessageGuard {

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
}
