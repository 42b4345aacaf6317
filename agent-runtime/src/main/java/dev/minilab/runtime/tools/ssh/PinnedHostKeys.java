package dev.minilab.runtime.tools.ssh;

import com.jcraft.jsch.HostKey;
import com.jcraft.jsch.HostKeyRepository;
import com.jcraft.jsch.JSchException;
import com.jcraft.jsch.UserInfo;
import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.GeneralSecurityException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The known_hosts file shared by run_ssh and run_ansible, as OpenSSH's {@code StrictHostKeyChecking=accept-new}
 * with one difference that matters: a host with ANY recorded key that does not match the one presented is CHANGED,
 * whatever the key types (a server showing ed25519 for a host pinned with ECDSA is refused, not added).
 *
 * <p>The file is read afresh for every check and never rewritten: the first contact with a host appends one line
 * while holding an exclusive lock on the file, after checking again under that lock, so a pin another agent or
 * OpenSSH added meanwhile is kept. Plain, {@code [host]:port}, comma-separated, wildcard ({@code *}, {@code ?},
 * {@code !}) and hashed ({@code |1|salt|hash}) host patterns are understood; {@code @revoked} keys are refused;
 * {@code @cert-authority} lines are not host keys and are skipped.
 */
final class PinnedHostKeys implements HostKeyRepository {

    private static final Logger LOG = LoggerFactory.getLogger(PinnedHostKeys.class);

    /** One key line of the file. */
    private record Entry(String marker, String hosts, String type, byte[] key) { }

    private final Path file;
    private volatile byte[] lastPresented = new byte[0];

    PinnedHostKeys(Path file) {
        this.file = file;
    }

    /** The key the server presented at the last check (for messages). */
    byte[] lastPresented() {
        return lastPresented.clone();
    }

    @Override
    public int check(String host, byte[] key) {
        lastPresented = key.clone();
        List<Entry> entries = entriesFor(host, read());
        int result = verdict(entries, key);
        if (result != NOT_INCLUDED) {
            return result;
        }
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             FileLock ignored = channel.lock()) {
            String text = new String(Files.readAllBytes(file), StandardCharsets.UTF_8);
            result = verdict(entriesFor(host, text), key); // another process may have pinned it meanwhile
            if (result != NOT_INCLUDED) {
                return result;
            }
            String line = (text.isEmpty() || text.endsWith("\n") ? "" : "\n") + host + " " + typeOf(key) + " "
                    + Base64.getEncoder().encodeToString(key) + "\n";
            ByteBuffer bytes = ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8));
            while (bytes.hasRemaining()) {
                channel.write(bytes);
            }
            channel.force(true);
            LOG.info("First contact with {}: its {} host key was recorded in {}", host, typeOf(key), file);
            return OK;
        } catch (IOException e) {
            LOG.warn("Could not record the host key of {} in {} ({}); refusing the connection. Check that the file "
                    + "is writable", host, file, e.getMessage());
            return NOT_INCLUDED;
        }
    }

    /** The keys recorded for {@code host} (for messages), as {@code type base64}. */
    List<String> recordedKeys(String host) {
        return entriesFor(host, read()).stream().filter(e -> e.marker().isEmpty())
                .map(e -> e.type() + " " + Base64.getEncoder().encodeToString(e.key())).toList();
    }

    /** The key type named inside an SSH public key blob ({@code ssh-ed25519}, {@code ecdsa-sha2-nistp256}, ...). */
    static String typeOf(byte[] blob) {
        if (blob.length < 4) {
            return "unknown";
        }
        int length = ByteBuffer.wrap(blob, 0, 4).getInt();
        return length > 0 && length <= blob.length - 4 ? new String(blob, 4, length, StandardCharsets.US_ASCII)
                : "unknown";
    }

    private static int verdict(List<Entry> entries, byte[] key) {
        boolean known = false;
        for (Entry entry : entries) {
            boolean same = Arrays.equals(entry.key(), key);
            if (entry.marker().equals("@revoked") && same) {
                return CHANGED;
            }
            if (entry.marker().isEmpty()) {
                if (same) {
                    return OK;
                }
                known = true;
            }
        }
        return known ? CHANGED : NOT_INCLUDED;
    }

    private String read() {
        try {
            return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
        } catch (IOException e) {
            throw new MiniLabException("cannot read the known_hosts file " + file + " (SSH_KNOWN_HOSTS): "
                    + e.getMessage());
        }
    }

    private static List<Entry> entriesFor(String host, String text) {
        List<Entry> matching = new ArrayList<>();
        for (String raw : text.split("\n")) {
            Entry entry = parse(raw.strip());
            if (entry != null && !entry.marker().equals("@cert-authority") && matches(entry.hosts(), host)) {
                matching.add(entry);
            }
        }
        return matching;
    }

    private static Entry parse(String line) {
        if (line.isEmpty() || line.startsWith("#")) {
            return null;
        }
        String[] fields = line.split("\\s+");
        int at = 0;
        String marker = "";
        if (fields[0].startsWith("@")) {
            marker = fields[0].toLowerCase(Locale.ROOT);
            at = 1;
        }
        if (fields.length < at + 3) {
            return null;
        }
        try {
            return new Entry(marker, fields[at], fields[at + 1], Base64.getDecoder().decode(fields[at + 2]));
        } catch (IllegalArgumentException e) {
            return null; // a malformed line pins nothing, as in OpenSSH
        }
    }

    /** OpenSSH's host pattern list: any positive match and no negated match. */
    static boolean matches(String patterns, String host) {
        if (patterns.startsWith("|1|")) {
            return hashedMatches(patterns, host);
        }
        boolean matched = false;
        for (String pattern : patterns.split(",")) {
            boolean negated = pattern.startsWith("!");
            String p = negated ? pattern.substring(1) : pattern;
            if (glob(p.toLowerCase(Locale.ROOT), host.toLowerCase(Locale.ROOT))) {
                if (negated) {
                    return false;
                }
                matched = true;
            }
        }
        return matched;
    }

    private static boolean hashedMatches(String field, String host) {
        String[] parts = field.split("\\|");
        if (parts.length != 4) {
            return false;
        }
        try {
            Mac mac = Mac.getInstance("HmacSHA1");
            mac.init(new SecretKeySpec(Base64.getDecoder().decode(parts[2]), "HmacSHA1"));
            byte[] expected = Base64.getDecoder().decode(parts[3]);
            return Arrays.equals(mac.doFinal(host.getBytes(StandardCharsets.UTF_8)), expected);
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            return false;
        }
    }

    private static boolean glob(String pattern, String text) {
        return globAt(pattern, 0, text, 0);
    }

    private static boolean globAt(String p, int pi, String t, int ti) {
        while (pi < p.length()) {
            char c = p.charAt(pi);
            if (c == '*') {
                for (int k = ti; k <= t.length(); k++) {
                    if (globAt(p, pi + 1, t, k)) {
                        return true;
                    }
                }
                return false;
            }
            if (ti >= t.length() || (c != '?' && c != t.charAt(ti))) {
                return false;
            }
            pi++;
            ti++;
        }
        return ti == t.length();
    }

    @Override
    public void add(HostKey hostkey, UserInfo ui) {
        // Keys are only ever added by check() (first contact, under the file lock); JSch never needs this.
    }

    @Override
    public void remove(String host, String type) {
        // known_hosts is never rewritten by MiniLab: the user removes a line by hand.
    }

    @Override
    public void remove(String host, String type, byte[] key) {
        // as above
    }

    @Override
    public String getKnownHostsRepositoryID() {
        return file.toString();
    }

    @Override
    public HostKey[] getHostKey() {
        return new HostKey[0];
    }

    /** The recorded keys of {@code host}; JSch asks for the preferred host key types with these (OpenSSH does too). */
    @Override
    public HostKey[] getHostKey(String host, String type) {
        if (host == null) {
            return new HostKey[0];
        }
        List<HostKey> keys = new ArrayList<>();
        for (Entry entry : entriesFor(host, read())) {
            if (entry.marker().isEmpty() && (type == null || type.equals(entry.type()))) {
                try {
                    keys.add(new HostKey(host, HostKey.GUESS, entry.key()));
                } catch (JSchException e) {
                    // a key type JSch does not know cannot be preferred
                }
            }
        }
        return keys.toArray(HostKey[]::new);
    }
}
