package dev.minilab.runtime.approval;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.MessageGuard;
import java.util.Objects;

/**
 * The one place where the gate checks that a stored verdict is a genuine bus message of the approver: the stored
 * payload must decode, its signature must verify with the team's {@link MessageGuard} (the same check every
 * received message passes), and its sender must be the approver. A verdict written straight into Redis without a
 * valid signature fails here. (An unsigned team — no keys — cannot tell; the agent warns at start.)
 */
final class SignedVerdicts {

    /** What a stored verdict turned out to be. */
    sealed interface Checked {
        record Genuine(Message message, VerdictText verdict) implements Checked { }

        record Refused(String reason) implements Checked { }
    }

    private final MessageGuard guard;

    SignedVerdicts(MessageGuard guard) {
        this.guard = Objects.requireNonNull(guard, "guard");
    }

    Checked check(String payload, String approver) {
        if (!(MessageCodec.decode(payload) instanceof MessageCodec.Decoded.Valid valid)) {
            return new Checked.Refused("the stored verdict is not a readable bus message");
        }
        Message message = valid.message();
        String rejection;
        try {
            rejection = guard.rejectionReason(message).orElse(null);
        } catch (RuntimeException e) {
            rejection = "its signature could not be checked (" + e.getMessage() + ")";
        }
        if (rejection != null) {
            return new Checked.Refused("the stored verdict is not a valid signed message of " + message.sender()
                    + ": " + rejection);
        }
        if (!message.sender().equals(approver) && !message.isFromUser()) {
            return new Checked.Refused("the stored verdict comes from " + message.sender() + ", but only "
                    + approver + "'s verdict (or the User's) counts");
        }
        return VerdictText.parse(message.content())
                .<Checked>map(verdict -> new Checked.Genuine(message, verdict))
                .orElseGet(() -> new Checked.Refused("the stored message is not a verdict"));
    }
}
