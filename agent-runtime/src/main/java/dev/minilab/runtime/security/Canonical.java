package dev.minilab.runtime.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
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
 * <p>{@code seq} is deliberately NOT covered: Redis assigns it (INCR) after the sender has signed. Ordering is
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
