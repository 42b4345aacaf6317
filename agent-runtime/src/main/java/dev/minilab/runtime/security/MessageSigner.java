package dev.minilab.runtime.security;

import dev.minilab.runtime.config.ConfigException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;
import java.util.Optional;

/**
 * Signs what one sender publishes and verifies what it receives, with Ed25519 over {@link Canonical} bytes.
 *
 * <p>With a configured {@link KeyRing}, {@link #sign} returns a base64 signature and {@link #verify} accepts a message
 * only when its signature verifies against the public key of the sender it claims; with an unsigned key ring,
 * {@link #sign} returns empty and {@link #verify} accepts everything. Thread-safe.
 */
public final class MessageSigner {

    /** Ed25519 signatures are 64 bytes; base64 of more than this is rejected before decoding. */
    private static final int MAX_SIGNATURE_CHARS = 128;

    private final KeyRing keyRing;
    private final String self;
    /** This process's key for {@link FastEd25519}; null when unsigned or the key is not in a form it takes. */
    private final FastEd25519.SigningKey fastKey;
    /** Senders' encoded public keys for {@link FastEd25519} (the key ring never changes). */
    private final java.util.concurrent.ConcurrentHashMap<String, Optional<byte[]>> fastPublicKeys =
            new java.util.concurrent.ConcurrentHashMap<>();

    private MessageSigner(KeyRing keyRing, String self) {
        this.keyRing = keyRing;
        this.self = self;
        this.fastKey = keyRing.configured() ? FastEd25519.signingKey(keyRing.privateKey()).orElse(null) : null;
    }

    /**
     * Creates the signer of {@code self} (a role name or {@code User}); with a configured key ring it checks that the
     * private key belongs to {@code self}'s public key, so a process cannot start with another sender's key.
     *
     * @throws ConfigException when the keys are configured but {@code self} has no public key or a different one
     */
    public static MessageSigner create(KeyRing keyRing, String self) {
        Objects.requireNonNull(keyRing, "keyRing");
        Objects.requireNonNull(self, "self");
        MessageSigner signer = new MessageSigner(keyRing, self);
        if (keyRing.configured()) {
            PublicKey own = keyRing.publicKey(self).orElseThrow(() -> ConfigException.invalid(
                    KeyRing.PUBLIC_KEYS_VARIABLE, "(folder without " + self + ".pub)",
                    "a folder holding " + self + ".pub next to the other public keys (run ./minilab keys)"));
            byte[] probe = ("key check for " + self).getBytes(StandardCharsets.UTF_8);
            String signature = signer.sign(probe).orElseThrow();
            if (!check(own, probe, Base64.getDecoder().decode(signature))) {
                throw ConfigException.invalid(KeyRing.PRIVATE_KEY_VARIABLE, "(key of another sender)",
                        "the private key of " + self + " (keys/private/" + self + "/" + self + ".pem); it does not match "
                                + self + ".pub");
            }
        }
        return signer;
    }

    /** Returns the sender this signer signs as. */
    public String self() {
        return self;
    }

    /** Returns whether messages are signed and checked (keys configured). */
    public boolean signing() {
        return keyRing.configured();
    }

    /** Returns the base64 Ed25519 signature of {@code canonicalBytes}, or empty when the bus runs unsigned. */
    public Optional<String> sign(byte[] canonicalBytes) {
        Objects.requireNonNull(canonicalBytes, "canonicalBytes");
        if (!keyRing.configured()) {
            return Optional.empty();
        }
        if (fastKey != null) {
            return Optional.of(Base64.getEncoder().encodeToString(FastEd25519.sign(fastKey, canonicalBytes)));
        }
        try {
            Signature ed = Signature.getInstance(Pem.ALGORITHM);
            ed.initSign(keyRing.privateKey());
            ed.update(canonicalBytes);
            return Optional.of(Base64.getEncoder().encodeToString(ed.sign()));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 signing failed; the JDK must provide Ed25519 (JDK 15+)", e);
        }
    }

    /**
     * Checks that {@code signatureBase64} is {@code sender}'s signature of {@code canonicalBytes}. Never throws for bad
     * input: a missing, malformed or wrong signature, or a sender without a public key, is a {@link
     * Verification.Rejected} whose reason says which.
     */
    public Verification verify(String sender, byte[] canonicalBytes, String signatureBase64) {
        if (!keyRing.configured()) {
            return Verification.unsigned();
        }
        if (sender == null || sender.isBlank()) {
            return Verification.rejected(sender, "no sender");
        }
        Optional<PublicKey> key = keyRing.publicKey(sender);
        if (key.isEmpty()) {
            return Verification.rejected(sender, "no public key for sender '" + abbreviate(sender)
                    + "' (known: " + String.join(", ", keyRing.senders()) + ")");
        }
        if (signatureBase64 == null || signatureBase64.isBlank()) {
            return Verification.rejected(sender, "message is not signed but this team requires signatures");
        }
        if (signatureBase64.length() > MAX_SIGNATURE_CHARS) {
            return Verification.rejected(sender, "signature is " + signatureBase64.length() + " characters, too long");
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(signatureBase64.strip());
        } catch (IllegalArgumentException e) {
            return Verification.rejected(sender, "signature is not base64");
        }
        String verifiedKey = canonicalBytes == null ? null : verifiedKey(sender, canonicalBytes, signatureBase64);
        synchronized (verified) {
            if (verifiedKey != null && verified.containsKey(verifiedKey)) {
                return Verification.verified(sender);
            }
            if (verifiedKey != null && failed.containsKey(verifiedKey)) {
                return notVerifying(sender);
            }
        }
        Optional<byte[]> fast = fastPublicKeys.computeIfAbsent(sender, s -> FastEd25519.publicKey(key.get()));
        boolean valid = canonicalBytes != null && (fast.isPresent()
                ? FastEd25519.verify(fast.get(), canonicalBytes, signature)
                : check(key.get(), canonicalBytes, signature));
        if (!valid) {
            if (verifiedKey != null) {
                synchronized (verified) {
                    failed.put(verifiedKey, Boolean.TRUE);
                }
            }
            return notVerifying(sender);
        }
        synchronized (verified) {
            verified.put(verifiedKey, Boolean.TRUE);
        }
        return Verification.verified(sender);
    }

    /**
     * Signatures that verified, keyed by sender, signature and the SHA-256 of the signed bytes: every turn reads the
     * history again (up to HISTORY_WINDOW messages, each verified), and an Ed25519 verification costs ~100× a SHA-256
     * of a message (issue 12: the hop between agents). A hit means these exact bytes verified before under this
     * sender's key, which the key ring never changes.
     */
    private final java.util.Map<String, Boolean> verified = new java.util.LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > VERIFIED_ENTRIES;
        }
    };
    private static final int VERIFIED_ENTRIES = 2048;
    /**
     * Signatures that did not verify (same key), a few: a live payload is verified ahead by a receiver's verifier and
     * then checked in order, and a forged one must not cost two verifications (issue 12).
     */
    private final java.util.Map<String, Boolean> failed = new java.util.LinkedHashMap<>(64, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(java.util.Map.Entry<String, Boolean> eldest) {
            return size() > FAILED_ENTRIES;
        }
    };
    private static final int FAILED_ENTRIES = 256;

    private static Verification notVerifying(String sender) {
        return Verification.rejected(sender, "signature does not verify against " + sender
                + "'s public key (forged, tampered, or signed with another sender's key)");
    }

    private static String verifiedKey(String sender, byte[] canonicalBytes, String signatureBase64) {
        try {
            byte[] digest = java.security.MessageDigest.getInstance("SHA-256").digest(canonicalBytes);
            return sender + '\u0000' + signatureBase64.strip() + '\u0000' + Base64.getEncoder().encodeToString(digest);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JDK must provide SHA-256", e);
        }
    }

    private static boolean check(PublicKey key, byte[] data, byte[] signature) {
        try {
            Signature ed = Signature.getInstance(Pem.ALGORITHM);
            ed.initVerify(key);
            ed.update(data);
            return ed.verify(signature);
        } catch (java.security.SignatureException e) {
            return false; // malformed signature bytes: a failed verification, not an error
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("Ed25519 verification failed; the JDK must provide Ed25519 (JDK 15+)", e);
        }
    }

    private static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }
}
