package dev.minilab.runtime.security;

import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.bus.MessageKind;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
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

    /** Setting that lets messages signed in the old canonical form v1 through (interop with older MiniLab senders). */
    public static final String ACCEPT_V1_VARIABLE = "MINILAB_ACCEPT_V1_SIGNATURES";
    /** A live message older than this is refused as a replay (its sender published it minutes ago at most). */
    public static final Duration MAX_AGE = Duration.ofMinutes(15);
    /** A live message dated further ahead than this is refused (forged, or a badly wrong clock). */
    public static final Duration MAX_AHEAD = Duration.ofMinutes(2);
    static final String V2 = "v2:";
    static final String V2_SEQ = "v2s:";

    private final MessageSigner signer;
    private final boolean acceptV1;
    private final Clock clock;
    /** The current session: the timestamp of the User's last CLEAR this process has seen, or null. */
    private final AtomicReference<Instant> epoch = new AtomicReference<>();
    /** chat_published_seq when this process subscribed: live messages signed with a seq at or below it are replays. */
    private final java.util.concurrent.atomic.AtomicLong liveFloor = new java.util.concurrent.atomic.AtomicLong();

    private SignatureGuard(MessageSigner signer, boolean acceptV1, Clock clock) {
        this.signer = signer;
        this.acceptV1 = acceptV1;
        this.clock = clock;
    }

    /** Creates the guard of the process that signs as {@code signer.self()}; v1 signatures are refused. */
    public static SignatureGuard of(MessageSigner signer) {
        return of(signer, false, Clock.systemUTC());
    }

    /** Creates the guard with the v1 interop setting and the clock the freshness window is measured with. */
    public static SignatureGuard of(MessageSigner signer, boolean acceptV1, Clock clock) {
        return new SignatureGuard(Objects.requireNonNull(signer, "signer"), acceptV1,
                Objects.requireNonNull(clock, "clock"));
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
        String v1 = env.getOrDefault(ACCEPT_V1_VARIABLE, "false").strip();
        if (!v1.equals("true") && !v1.equals("false") && !v1.isEmpty()) {
            throw dev.minilab.runtime.config.ConfigException.invalid(ACCEPT_V1_VARIABLE, v1, "true or false");
        }
        return new SignatureGuard(MessageSigner.create(ring, self), v1.equals("true"), Clock.systemUTC());
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
        Message m = Canonical.encodable(message.content()) ? message : message.withContent(
                withoutLoneSurrogates(message.content()));
        if (isUserClear(m)) {
            // A CLEAR starts a new session: its own timestamp is the epoch every later message carries.
            m = m.withEpoch(m.timestamp().toString());
            advanceEpoch(m.timestamp());
        } else {
            Instant current = epoch.get();
            m = m.withEpoch(current == null ? null : current.toString());
        }
        boolean withSeq = m.seq() > 0;
        String signature = signer.sign(canonicalBytesV2(m, withSeq)).orElseThrow();
        return m.withSignature((withSeq ? V2_SEQ : V2) + signature);
    }

    /**
     * Rejects a message whose signature does not verify against its claimed sender's key (canonical form v2; v1 only
     * with {@value #ACCEPT_V1_VARIABLE}), or that belongs to a session before the User's last CLEAR. A verified User
     * CLEAR moves this process into the new session.
     */
    @Override
    public Optional<String> rejectionReason(Message message) {
        if (!signer.signing()) {
            return Optional.empty();
        }
        String signature = message.signature();
        Verification verdict;
        if (signature != null && (signature.startsWith(V2_SEQ) || signature.startsWith(V2))) {
            boolean withSeq = signature.startsWith(V2_SEQ);
            if (!withSeq && message.seq() != 0) {
                // Publishers seal with the reserved seq (issue 16): a v2 signature without it on a message with a
                // seq means the seq was set after signing, by anyone (issue 17 finding 3).
                return Optional.of("its seq " + message.seq() + " is not covered by the signature (form v2 without "
                        + "seq): re-published with a seq of someone's choosing");
            }
            byte[] bytes;
            try {
                bytes = canonicalBytesV2(message, withSeq);
            } catch (IllegalArgumentException e) {
                return Optional.of(e.getMessage());
            }
            verdict = signer.verify(message.sender(), bytes, signature.substring(withSeq ? V2_SEQ.length()
                    : V2.length()));
        } else if (signature != null && !signature.isBlank() && !acceptV1) {
            return Optional.of("signed in the old canonical form v1, which covers neither seq nor epoch and lets an "
                    + "equivalent rewrite pass; refused (set " + ACCEPT_V1_VARIABLE + "=true to accept senders of "
                    + "MiniLab before issue 17)");
        } else {
            verdict = signer.verify(message.sender(), canonicalBytes(message), signature);
        }
        if (verdict instanceof Verification.Rejected rejected) {
            return Optional.of(rejected.reason() + ". If this sender is genuine, give it the private key that matches "
                    + "keys/public/" + safeName(message.sender()) + ".pub");
        }
        Instant messageEpoch = parseEpoch(message.epoch());
        Instant current = epoch.get();
        if (current != null && (messageEpoch == null || messageEpoch.isBefore(current))) {
            return Optional.of("it belongs to a session before the User's CLEAR of " + current + " (epoch "
                    + message.epoch() + "): a replay, or a message from before the CLEAR");
        }
        if (isUserClear(message) && messageEpoch != null && messageEpoch.equals(message.timestamp())) {
            advanceEpoch(messageEpoch);
        }
        return Optional.empty();
    }

    /** Verifies a v2 signature and leaves the verdict in the signer's memory; the session is not looked at. */
    @Override
    public boolean verifyAhead(Message message) {
        if (!signer.signing()) {
            return true;
        }
        String signature = message.signature();
        if (signature == null || !(signature.startsWith(V2_SEQ) || signature.startsWith(V2))) {
            return false;
        }
        boolean withSeq = signature.startsWith(V2_SEQ);
        if (!withSeq && message.seq() != 0) {
            return false;
        }
        try {
            return signer.verify(message.sender(), canonicalBytesV2(message, withSeq), signature.substring(
                    withSeq ? V2_SEQ.length() : V2.length())) instanceof Verification.Verified;
        } catch (IllegalArgumentException e) {
            return false;
        }
    }

    /** Refuses a live message outside the freshness window: older than {@link #MAX_AGE} or ahead by {@link #MAX_AHEAD}. */
    @Override
    public Optional<String> liveRejection(Message message) {
        if (!signer.signing()) {
            return Optional.empty();
        }
        long floor = liveFloor.get();
        if (message.signature() != null && message.signature().startsWith(V2_SEQ) && message.seq() <= floor) {
            return Optional.of("its signed seq " + message.seq() + " was published before this process subscribed "
                    + "(at seq " + floor + "): a replay");
        }
        Instant now = clock.instant();
        if (message.timestamp().isBefore(now.minus(MAX_AGE))) {
            return Optional.of("its signed timestamp " + message.timestamp() + " is more than " + MAX_AGE.toMinutes()
                    + " minutes old: a replayed capture (live messages arrive within seconds)");
        }
        if (message.timestamp().isAfter(now.plus(MAX_AHEAD))) {
            return Optional.of("its signed timestamp " + message.timestamp() + " is in the future (check the clocks)");
        }
        return Optional.empty();
    }

    @Override
    public void liveFloor(long publishedSeq) {
        liveFloor.accumulateAndGet(publishedSeq, Math::max);
    }

    /** The session this process is in: the timestamp of the User's last CLEAR it has seen, or empty. */
    public Optional<Instant> epoch() {
        return Optional.ofNullable(epoch.get());
    }

    private void advanceEpoch(Instant clearTime) {
        epoch.accumulateAndGet(clearTime, (a, b) -> a == null || b.isAfter(a) ? b : a);
    }

    private static boolean isUserClear(Message message) {
        return message.isFromUser() && message.controlCommand().filter(c -> c == ControlCommand.CLEAR).isPresent();
    }

    private static Instant parseEpoch(String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    /** Returns the bytes a v2 signature of {@code message} covers (with or without its seq). */
    public static byte[] canonicalBytesV2(Message message, boolean withSeq) {
        return Canonical.bytesV2(withSeq, message.id(), message.seq(), message.sender(), message.content(),
                message.timestamp().toString(), effectiveKind(message).wire(), message.epoch(), message.to());
    }

    private static String withoutLoneSurrogates(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < text.length() && Character.isLowSurrogate(text.charAt(i + 1))) {
                out.append(c).append(text.charAt(++i));
            } else {
                out.append(Character.isSurrogate(c) ? '\uFFFD' : c);
            }
        }
        return out.toString();
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

    /** Returns the bytes a v1 signature of {@code message} covers (older senders; accepted only when allowed). */
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
