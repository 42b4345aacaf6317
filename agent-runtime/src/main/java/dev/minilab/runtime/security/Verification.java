package dev.minilab.runtime.security;

import java.util.Objects;

/** The outcome of checking one message's signature: accept it, or drop it for the stated reason. */
public sealed interface Verification {

    /** Returns whether the message may be handled. */
    boolean accepted();

    /** The signature verified against the claimed sender's public key. */
    record Verified(String sender) implements Verification {
        public Verified {
            Objects.requireNonNull(sender, "sender");
        }

        @Override
        public boolean accepted() {
            return true;
        }
    }

    /** No keys are configured: the team runs unsigned (start-up warned about it), so every message is accepted. */
    record Unsigned() implements Verification {
        @Override
        public boolean accepted() {
            return true;
        }
    }

    /** Keys are configured and the message failed the check; {@code reason} says why, for the WARN log line. */
    record Rejected(String sender, String reason) implements Verification {
        public Rejected {
            Objects.requireNonNull(reason, "reason");
        }

        @Override
        public boolean accepted() {
            return false;
        }
    }

    static Verification verified(String sender) {
        return new Verified(sender);
    }

    static Verification unsigned() {
        return new Unsigned();
    }

    static Verification rejected(String sender, String reason) {
        return new Rejected(sender, reason);
    }
}
