package dev.minilab.runtime.security;

import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.MessageKind;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The bus guard of a signed team: signs every message this process publishes with its own Ed25519 key and rejects
 * every received message whose signature does not verify against the public key of the sender it claims.
 *
 * <p>Signed fields are those of {@link Canonical}, computed from the {@link Message}: id, sender, content, timestamp
 * ({@link java.time.Instant#toString()}), effective kind and {@code to}. The effective kind of a User chat message
 * whose content is STOP or CLEAR is {@code control}, because readers turn such messages into control messages
 * ({@link dev.minilab.runtime.bus.MessageCodec}); both sides therefore sign and check the same bytes.
 */
public final class SignatureGuard implements MessageGuard {

    private final MessageSigner signer;

    private SignatureGuard(MessageSigner signer) {
        this.signer = signer;
    }

    /** Creates the guard of the process that signs as {@code signer.self()}. */
    public static SignatureGuard of(MessageSigner signer) {
        return new SignatureGuard(Objects.requireNonNull(signer, "signer"));
    }

    /**
     * Creates the guard from {@code MINILAB_PRIVATE_KEY} / {@code MINILAB_PUBLIC_KEYS} in {@code env} for sender
     * {@code self}; with neither set the guard runs unsigned (check {@link #signing()} and warn at start-up), unless
     * {@link SigningRequirement} requires signatures (the default once keys exist): then it refuses.
     *
     * @throws dev.minilab.runtime.config.ConfigException when the keys are half configured, unreadable or not self's,
     *         or when signatures are required and this process has no key
     */
    public static SignatureGuard fromEnv(Map<String, String> env, String self) {
        KeyRing ring = KeyRing.fromEnv(env);
        SigningRequirement.check(env, ring, self);
        return new SignatureGuard(MessageSigner.create(ring, self));
    }

    /** Returns whether messages are signed and checked. */
    public boolean signing() {
        return signer.signing();
    }

    /** Returns the sender this guard signs as. */
    public String self() {
        return signer.self();
    }

    /**
     * Returns the start-up log line: what is signed with which keys, or the loud warning of an unsigned team.
     */
    public String startupNotice() {
        if (signer.signing()) {
            return "Bus messages are signed as " + signer.self() + " and every received message is verified.";
        }
        return "Messages are NOT signed: anyone who can reach Redis can post as the User or as any agent. Run "
                + "./minilab keys and set MINILAB_PRIVATE_KEY (this process's own key) and MINILAB_PUBLIC_KEYS (the "
                + "public key folder) to sign them.";
    }

    /**
     * Signs {@code message}. A process signs only as itself.
     *
     * @throws IllegalArgumentException when the message's sender is not this process's sender
     */
    @Override
    public Message seal(Message message) {
        if (!signer.signing()) {
            return message;
        }
        if (!message.sender().equals(signer.self())) {
            throw new IllegalArgumentException(signer.self() + " cannot sign a message from " + message.sender());
        }
        return message.withSignature(signer.sign(canonicalBytes(message)).orElseThrow());
    }

    @Override
    public Optional<String> rejectionReason(Message message) {
        Verification verdict = signer.verify(message.sender(), canonicalBytes(message), message.signature());
        if (verdict instanceof Verification.Rejected rejected) {
            return Optional.of(rejected.reason() + ". If this sender is genuine, give it the private key that matches "
                    + "keys/public/" + safeName(message.sender()) + ".pub");
        }
        return Optional.empty();
    }

    /** Signs a heartbeat or think note of this process (see {@link SignedRecord}). */
    @Override
    public String sealRecord(String purpose, String json) {
        if (!signer.signing()) {
            return json;
        }
        String text = json.strip();
        return SignedRecord.attach(text,
                signer.sign(SignedRecord.bytes(purpose, signer.self(), text)).orElseThrow());
    }

    @Override
    public Optional<String> recordRejection(String purpose, String sender, String text) {
        SignedRecord.Parts parts = SignedRecord.split(text == null ? "" : text);
        Verification verdict = signer.verify(sender,
                SignedRecord.bytes(purpose, sender == null ? "" : sender, parts.signedJson()),
                parts.signature().orElse(null));
        if (verdict instanceof Verification.Rejected rejected) {
            return Optional.of(purpose + " record " + rejected.reason());
        }
        return Optional.empty();
    }

    /** Returns the bytes a signature of {@code message} covers. */
    public static byte[] canonicalBytes(Message message) {
        return Canonical.bytes(message.id(), message.sender(), message.content(), message.timestamp().toString(),
                effectiveKind(message).wire(), message.to());
    }

    private static MessageKind effectiveKind(Message message) {
        if (message.kind() == MessageKind.CHAT && message.isFromUser()
                && ControlCommand.parse(message.content()).isPresent()) {
            return MessageKind.CONTROL;
        }
        return message.kind();
    }

    private static String safeName(String sender) {
        return KeyRing.SENDER_NAME.matcher(sender).matches() ? sender : "<Sender>";
    }
}
