package dev.minilab.runtime.security;

import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

/**
 * The Ed25519 keys one process holds: its own private key (to sign what it publishes) and every sender's public key
 * (to verify what it receives). A key ring is either <em>configured</em> (both present) or <em>unsigned</em> (no
 * keys at all: messages are neither signed nor checked, and the caller must say so loudly at start-up).
 *
 * <p>Public keys are the files {@code <Sender>.pub} (X.509 PEM) in one folder; the private key is one PKCS#8 PEM file
 * that must not be readable by group or others.
 */
public final class KeyRing {

    /** Environment variable holding the path of this process's private key file. */
    public static final String PRIVATE_KEY_VARIABLE = "MINILAB_PRIVATE_KEY";
    /** Environment variable holding the folder of every sender's public key. */
    public static final String PUBLIC_KEYS_VARIABLE = "MINILAB_PUBLIC_KEYS";

    static final Pattern SENDER_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,63}");
    private static final Set<PosixFilePermission> TOO_OPEN = Set.of(
            PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_EXECUTE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_EXECUTE);

    private final PrivateKey privateKey;
    private final Map<String, PublicKey> publicKeys;
    private final String origin;

    private KeyRing(PrivateKey privateKey, Map<String, PublicKey> publicKeys, String origin) {
        this.privateKey = privateKey;
        this.publicKeys = Map.copyOf(publicKeys);
        this.origin = origin;
    }

    /** Returns the key ring of a team that runs unsigned. */
    public static KeyRing unsigned() {
        return new KeyRing(null, Map.of(), "no keys configured");
    }

    /**
     * Builds the key ring from {@value #PRIVATE_KEY_VARIABLE} and {@value #PUBLIC_KEYS_VARIABLE} in {@code env}:
     * neither set (or both blank) means unsigned; exactly one set is a configuration error.
     *
     * @throws ConfigException when a variable is half set, a file is missing, unreadable, too open or not a key
     */
    public static KeyRing fromEnv(Map<String, String> env) {
        String priv = blankToNull(env.get(PRIVATE_KEY_VARIABLE));
        String pub = blankToNull(env.get(PUBLIC_KEYS_VARIABLE));
        if (priv == null && pub == null) {
            return unsigned();
        }
        if (priv == null) {
            throw ConfigException.missing(PRIVATE_KEY_VARIABLE, PUBLIC_KEYS_VARIABLE + " is set, so this process also "
                    + "needs its own private key: set it to keys/private/<Role>/<Role>.pem (create keys with ./minilab keys)"
                    + ", or unset both to run unsigned");
        }
        if (pub == null) {
            throw ConfigException.missing(PUBLIC_KEYS_VARIABLE, PRIVATE_KEY_VARIABLE + " is set, so this process also "
                    + "needs the folder of public keys: set it to keys/public (create keys with ./minilab keys)"
                    + ", or unset both to run unsigned");
        }
        return load(Path.of(priv), Path.of(pub));
    }

    /**
     * Loads a configured key ring from a private key file and a folder of {@code <Sender>.pub} files.
     *
     * @throws ConfigException naming the variable and what to do when anything is wrong
     */
    public static KeyRing load(Path privateKeyFile, Path publicKeysDir) {
        PrivateKey privateKey = readPrivateKey(privateKeyFile);
        Map<String, PublicKey> publicKeys = readPublicKeys(publicKeysDir);
        if (publicKeys.isEmpty()) {
            throw ConfigException.invalid(PUBLIC_KEYS_VARIABLE, publicKeysDir.toString(),
                    "a folder holding <Sender>.pub files (none found; run ./minilab keys)");
        }
        return new KeyRing(privateKey, publicKeys, privateKeyFile + " + " + publicKeys.size() + " public keys in "
                + publicKeysDir);
    }

    /** Returns whether keys are configured (messages are signed and checked). */
    public boolean configured() {
        return privateKey != null;
    }

    /** Returns the public key of {@code sender}, if the folder held one. */
    public Optional<PublicKey> publicKey(String sender) {
        return Optional.ofNullable(sender == null ? null : publicKeys.get(sender));
    }

    /** Returns the names of every sender with a public key, sorted. */
    public Set<String> senders() {
        return new TreeMap<>(publicKeys).keySet();
    }

    /** Returns one line for the start-up log saying where the keys came from. */
    public String describe() {
        return configured() ? "signed bus: " + origin + " (" + String.join(", ", senders()) + ")"
                : "UNSIGNED bus: " + origin;
    }

    PrivateKey privateKey() {
        return privateKey;
    }

    private static PrivateKey readPrivateKey(Path file) {
        if (!Files.isRegularFile(file)) {
            throw ConfigException.invalid(PRIVATE_KEY_VARIABLE, file.toString(),
                    "an existing private key file (create the keys with ./minilab keys)");
        }
        PosixFileAttributeView posix = Files.getFileAttributeView(file, PosixFileAttributeView.class);
        if (posix != null) {
            try {
                Set<PosixFilePermission> perms = posix.readAttributes().permissions();
                if (perms.stream().anyMatch(TOO_OPEN::contains)) {
                    throw ConfigException.invalid(PRIVATE_KEY_VARIABLE, file.toString(),
                            "a private key readable by its owner only: run chmod 600 " + file);
                }
            } catch (IOException e) {
                throw ConfigException.invalid(PRIVATE_KEY_VARIABLE, file.toString(),
                        "a readable file (" + e.getMessage() + ")");
            }
        }
        try {
            return Pem.parsePrivateKey(Files.readString(file, StandardCharsets.US_ASCII));
        } catch (IOException e) {
            throw ConfigException.invalid(PRIVATE_KEY_VARIABLE, file.toString(),
                    "a readable file (" + e.getMessage() + "); check its owner and mode 600");
        } catch (IllegalArgumentException e) {
            throw ConfigException.invalid(PRIVATE_KEY_VARIABLE, file.toString(),
                    "an Ed25519 private key in PKCS#8 PEM as ./minilab keys writes it: " + e.getMessage());
        }
    }

    private static Map<String, PublicKey> readPublicKeys(Path dir) {
        if (!Files.isDirectory(dir)) {
            throw ConfigException.invalid(PUBLIC_KEYS_VARIABLE, dir.toString(),
                    "an existing folder of <Sender>.pub files (create the keys with ./minilab keys)");
        }
        Map<String, PublicKey> keys = new TreeMap<>();
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.pub")) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                String sender = name.substring(0, name.length() - ".pub".length());
                if (!SENDER_NAME.matcher(sender).matches()) {
                    throw ConfigException.invalid(PUBLIC_KEYS_VARIABLE, dir.toString(),
                            "public key files named <Sender>.pub with a plain sender name, not " + name);
                }
                try {
                    keys.put(sender, Pem.parsePublicKey(Files.readString(file, StandardCharsets.US_ASCII)));
                } catch (IllegalArgumentException e) {
                    throw ConfigException.invalid(PUBLIC_KEYS_VARIABLE, dir.toString(),
                            "Ed25519 public keys in X.509 PEM, but " + name + " is not: " + e.getMessage());
                }
            }
        } catch (IOException e) {
            throw ConfigException.invalid(PUBLIC_KEYS_VARIABLE, dir.toString(),
                    "a readable folder (" + e.getMessage() + ")");
        }
        return keys;
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }
}
