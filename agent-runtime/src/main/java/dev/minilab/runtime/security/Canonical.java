package dev.minilab.runtime.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The bytes a bus message signature covers.
 *
 * <p>Encoding {@value #VERSION} (stable; change the version string if it ever changes): the ASCII bytes of
 * {@code "minilab-msg-sig-v1"}, then the fields {@code id, sender, content, timestamp, kind} in this order, each as
 * a 4-byte big-endian length followed by that many UTF-8 bytes (length {@code -1} and no bytes for a missing field),
 * then {@code to} as a 4-byte count ({@code -1} when missing) followed by each role name encoded like a field, in the
 * order given. Length prefixes make the encoding unambiguous: no choice of field contents can make two different
 * messages share their canonical bytes.
 *
 * <p>Form v1 is kept to verify messages of older senders where that is allowed; new messages are signed in form v2
 * ({@link #bytesV2}).
 *
 * <p>In v1, {@code seq} is deliberately NOT covered: Redis assigns it (INCR) after the sender has signed. Ordering is
 * therefore not authenticated; the {@code id} is, and receivers de-duplicate by it. The timestamp is covered as the
 * exact string that travels in the JSON (an ISO-8601 instant), so senders must sign the string they send.
 */
public final class Canonical {

    /** Version tag written first into every canonical encoding. */
    public static final String VERSION = "minilab-msg-sig-v1";

    private Canonical() {
    }

    /**
     * Returns the canonical bytes of a message's signed fields; any argument may be {@code null} (a field absent from
     * the message), and a {@code null} element inside {@code to} is encoded as a missing string.
     */
    public static byte[] bytes(String id, String sender, String content, String timestamp, String kind, List<String> to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + (content == null ? 0 : content.length() * 2));
        out.writeBytes(VERSION.getBytes(StandardCharsets.US_ASCII));
        field(out, id);
        field(out, sender);
        field(out, content);
        field(out, timestamp);
        field(out, kind);
        if (to == null) {
            out.writeBytes(intBytes(-1));
        } else {
            out.writeBytes(intBytes(to.size()));
            for (String role : to) {
                field(out, role);
            }
        }
        return out.toByteArray();
    }

    /** Version tag of canonical form v2 without {@code seq} (the seq was not known when the sender signed). */
    public static final String VERSION_2 = "minilab-msg-sig-v2";
    /** Version tag of canonical form v2 covering {@code seq} too. */
    public static final String VERSION_2_SEQ = "minilab-msg-sig-v2s";

    /**
     * Returns the canonical bytes of form v2: the version tag ({@value #VERSION_2_SEQ} when {@code withSeq}, else
     * {@value #VERSION_2}), then {@code id, sender, content, timestamp, kind, epoch} as length-prefixed strict UTF-8,
     * then {@code to} as in v1, then (with seq only) {@code seq} as 8 bytes big-endian. Unlike v1, a string that is not
     * valid Unicode (an unpaired surrogate) cannot be encoded: v1 turned it into {@code ?}, so two different texts
     * shared one signature.
     *
     * @throws IllegalArgumentException when a string holds an unpaired surrogate
     */
    public static byte[] bytesV2(boolean withSeq, String id, long seq, String sender, String content, String timestamp,
                                 String kind, String epoch, List<String> to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(96 + (content == null ? 0 : content.length() * 3));
        out.writeBytes((withSeq ? VERSION_2_SEQ : VERSION_2).getBytes(StandardCharsets.US_ASCII));
        for (String value : new String[] {id, sender, content, timestamp, kind, epoch}) {
            strictField(out, value);
        }
        if (to == null) {
            out.writeBytes(intBytes(-1));
        } else {
            out.writeBytes(intBytes(to.size()));
            for (String role : to) {
                strictField(out, role);
            }
        }
        if (withSeq) {
            out.writeBytes(ByteBuffer.allocate(Long.BYTES).putLong(seq).array());
        }
        return out.toByteArray();
    }

    /** Returns whether {@code text} is valid Unicode (no unpaired surrogate), so v2 can encode it. */
    public static boolean encodable(String text) {
        return text == null || StandardCharsets.UTF_8.newEncoder().canEncode(text);
    }

    private static void strictField(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.writeBytes(intBytes(-1));
            return;
        }
        byte[] utf8;
        try {
            ByteBuffer buffer = StandardCharsets.UTF_8.newEncoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
                    .encode(CharBuffer.wrap(value));
            utf8 = new byte[buffer.remaining()];
            buffer.get(utf8);
        } catch (CharacterCodingException e) {
            throw new IllegalArgumentException("a signed field is not valid Unicode (unpaired surrogate)", e);
        }
        out.writeBytes(intBytes(utf8.length));
        out.writeBytes(utf8);
    }

    private static void field(ByteArrayOutputStream out, String value) {
        if (value == null) {
            out.writeBytes(intBytes(-1));
            return;
        }
        byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
        out.writeBytes(intBytes(utf8.length));
        out.writeBytes(utf8);
    }

    private static byte[] intBytes(int value) {
        return ByteBuffer.allocate(Integer.BYTES).putInt(value).array();
    }
}
