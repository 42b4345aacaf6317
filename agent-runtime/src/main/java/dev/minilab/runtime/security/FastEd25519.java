package dev.minilab.runtime.security;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECPrivateKey;
import java.util.Arrays;
import java.util.Optional;
import org.bouncycastle.math.ec.rfc8032.Ed25519;

/**
 * Ed25519 (RFC 8032) signing and verification with Bouncy Castle's low-level implementation over the same keys the
 * JDK loaded: the JDK's own Ed25519 took ~570 µs of CPU per signature and ~590 µs per verification on the 2-core
 * build machine, Bouncy Castle's ~60 and ~80 µs (issue 12, the bus row). Ed25519 is deterministic: the signatures are
 * byte for byte those the JDK makes, and each side verifies the other's ({@code MessageSignerTest}).
 */
final class FastEd25519 {

    static final int SIGNATURE_BYTES = Ed25519.SIGNATURE_SIZE;
    /** X.509 SubjectPublicKeyInfo of an Ed25519 key: a 12-byte prefix, then the 32-byte key. */
    private static final byte[] SPKI_PREFIX = {0x30, 0x2a, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x03, 0x21, 0x00};

    private FastEd25519() {
    }

    /** A signing key: the 32-byte seed and the public key derived from it, or empty when the key is not Ed25519. */
    record SigningKey(byte[] seed, byte[] publicKey) {
    }

    static Optional<SigningKey> signingKey(PrivateKey key) {
        if (!(key instanceof EdECPrivateKey ed) || !"Ed25519".equalsIgnoreCase(ed.getParams().getName())) {
            return Optional.empty();
        }
        return ed.getBytes().filter(seed -> seed.length == Ed25519.SECRET_KEY_SIZE).map(seed -> {
            byte[] pub = new byte[Ed25519.PUBLIC_KEY_SIZE];
            Ed25519.generatePublicKey(seed, 0, pub, 0);
            return new SigningKey(seed, pub);
        });
    }

    /** The 32-byte encoded public key, or empty when {@code key} is not an Ed25519 key in X.509 form. */
    static Optional<byte[]> publicKey(PublicKey key) {
        byte[] encoded = key.getEncoded();
        if (encoded == null || encoded.length != SPKI_PREFIX.length + Ed25519.PUBLIC_KEY_SIZE
                || !Arrays.equals(encoded, 0, SPKI_PREFIX.length, SPKI_PREFIX, 0, SPKI_PREFIX.length)) {
            return Optional.empty();
        }
        return Optional.of(Arrays.copyOfRange(encoded, SPKI_PREFIX.length, encoded.length));
    }

    static byte[] sign(SigningKey key, byte[] data) {
        byte[] signature = new byte[SIGNATURE_BYTES];
        Ed25519.sign(key.seed(), 0, key.publicKey(), 0, data, 0, data.length, signature, 0);
        return signature;
    }

    static boolean verify(byte[] publicKey, byte[] data, byte[] signature) {
        if (signature.length != SIGNATURE_BYTES || publicKey.length != Ed25519.PUBLIC_KEY_SIZE) {
            return false;
        }
        return Ed25519.verify(signature, 0, publicKey, 0, data, 0, data.length);
    }
}
