package dev.minilab.runtime.security;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Signatures on the side records of the bus that are not messages: heartbeats ({@code agent_status}) and think notes
 * ({@code agent_think}).
 *
 * <p>A record is a JSON object written by its sender. The sender signs the exact text of the object, then appends
 * {@code ,"signature":"<base64>"} before its closing brace; readers that do not check signatures see one more
 * field. The signed bytes are {@code "minilab-record-sig-v1"}, then the purpose ({@code status}, {@code think}), the
 * sender and the JSON text, each as a 4-byte big-endian length and its UTF-8 bytes: a think note cannot pass as a
 * heartbeat, and a record of one sender cannot pass as another's.
 */
public final class SignedRecord {

    /** Version tag written first into every signed record encoding. */
    public static final String VERSION = "minilab-record-sig-v1";
    /** Purpose of an {@code agent_status} heartbeat. */
    public static final String STATUS = dev.minilab.runtime.bus.MessageGuard.STATUS_RECORD;
    /** Purpose of an {@code agent_think} note. */
    public static final String THINK = dev.minilab.runtime.bus.MessageGuard.THINK_RECORD;

    private static final Pattern SIGNATURE_SUFFIX = Pattern.compile(",\"signature\":\"([A-Za-z0-9+/=]{1,128})\"}\\s*$");

    private SignedRecord() {
    }

    /** The text as read, split into the JSON that was signed and the signature (empty when there is none). */
    public record Parts(String signedJson, Optional<String> signature) {
    }

    /** Returns the bytes a record signature covers. */
    public static byte[] bytes(String purpose, String sender, String json) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64 + json.length() * 2);
        out.writeBytes(VERSION.getBytes(StandardCharsets.US_ASCII));
        for (String field : new String[] {purpose, sender, json}) {
            byte[] utf8 = field.getBytes(StandardCharsets.UTF_8);
            out.writeBytes(ByteBuffer.allocate(Integer.BYTES).putInt(utf8.length).array());
            out.writeBytes(utf8);
        }
        return out.toByteArray();
    }

    /** Returns {@code json} (a JSON object's text, ending in {@code }}) with {@code signature} appended as a field. */
    public static String attach(String json, String signature) {
        String trimmed = json.strip();
        if (!trimmed.endsWith("}") || trimmed.equals("{}")) {
            throw new IllegalArgumentException("a signed record is a non-empty JSON object");
        }
        return trimmed.substring(0, trimmed.length() - 1) + ",\"signature\":\"" + signature + "\"}";
    }

    /** Splits {@code text} into the JSON that was signed and its signature. */
    public static Parts split(String text) {
        Matcher m = SIGNATURE_SUFFIX.matcher(text);
        if (!m.find()) {
            return new Parts(text, Optional.empty());
        }
        return new Parts(text.substring(0, m.start()) + "}", Optional.of(m.group(1)));
    }
}
