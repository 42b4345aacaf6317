package dev.minilab.runtime.security;

import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Creates the team's Ed25519 key pairs under one folder, never overwriting a key that exists.
 *
 * <p>Layout (each process mounts or reads only its own private folder):
 * <pre>
 * keys/public/&lt;Sender&gt;.pub                 X.509 PEM, mode 0644  (MINILAB_PUBLIC_KEYS = keys/public)
 * keys/private/&lt;Sender&gt;/&lt;Sender&gt;.pem      PKCS#8 PEM, mode 0600, folder 0700
 *                                        (MINILAB_PRIVATE_KEY = keys/private/&lt;Sender&gt;/&lt;Sender&gt;.pem)
 * </pre>
 */
public final class KeyGenerator {

    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");
    private static final Set<PosixFilePermission> OWNER_ONLY_DIR = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> PUBLIC_FILE = PosixFilePermissions.fromString("rw-r--r--");

    private KeyGenerator() {
    }

    /** What {@link #generate} did: the senders whose pair it created and those whose existing pair it kept. */
    public record Result(Path dir, List<String> created, List<String> kept) {
        public Result {
            Objects.requireNonNull(dir, "dir");
            created = List.copyOf(created);
            kept = List.copyOf(kept);
        }
    }

    /** Returns the private key file of {@code sender} under {@code keysDir}. */
    public static Path privateKeyFile(Path keysDir, String sender) {
        return keysDir.resolve("private").resolve(sender).resolve(sender + ".pem");
    }

    /** Returns the public key folder under {@code keysDir}. */
    public static Path publicKeysDir(Path keysDir) {
        return keysDir.resolve("public");
    }

    /**
     * Creates a key pair for every sender in {@code senders} that has none yet; keeps complete existing pairs.
     *
     * @throws MiniLabException when a pair is half present (one file without the other), a sender name is not a
     *                          plain name, or the file system does not support POSIX permissions
     */
    public static Result generate(Path keysDir, List<String> senders) {
        List<String> created = new ArrayList<>();
        List<String> kept = new ArrayList<>();
        try {
            Path publicDir = publicKeysDir(keysDir);
            Files.createDirectories(publicDir);
            Path privateRoot = keysDir.resolve("private");
            Files.createDirectories(privateRoot);
            setPermissions(privateRoot, OWNER_ONLY_DIR);
            for (String sender : senders) {
                if (!KeyRing.SENDER_NAME.matcher(sender).matches()) {
                    throw new MiniLabException("cannot create keys for '" + sender + "': a sender name is letters, digits"
                            + " and '_' only");
                }
                Path privateDir = privateRoot.resolve(sender);
                Files.createDirectories(privateDir);
                // Docker may have created this folder (as a missing bind-mount source) with mode 0755: tighten it.
                setPermissions(privateDir, OWNER_ONLY_DIR);
                Path privateFile = privateKeyFile(keysDir, sender);
                Path publicFile = publicDir.resolve(sender + ".pub");
                boolean hasPrivate = Files.exists(privateFile);
                boolean hasPublic = Files.exists(publicFile);
                if (hasPrivate && hasPublic) {
                    kept.add(sender);
                    continue;
                }
                if (hasPrivate || hasPublic) {
                    Path present = hasPrivate ? privateFile : publicFile;
                    Path missing = hasPrivate ? publicFile : privateFile;
                    throw new MiniLabException("key pair of " + sender + " is incomplete: " + present + " exists but "
                            + missing + " does not. Restore the missing file, or delete " + present
                            + " to create a new pair (every process must then get the new public key).");
                }
                KeyPair pair = newPair();
                writeNew(privateFile, Pem.privateKey(pair.getPrivate()), OWNER_ONLY_FILE);
                writeNew(publicFile, Pem.publicKey(pair.getPublic()), PUBLIC_FILE);
                created.add(sender);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write keys under " + keysDir + ": " + e.getMessage(), e);
        }
        return new Result(keysDir, created, kept);
    }

    private static KeyPair newPair() {
        try {
            return KeyPairGenerator.getInstance(Pem.ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK must provide Ed25519 (JDK 15+)", e);
        }
    }

    /** Creates {@code file} (failing if it exists) with {@code perms} from the first byte on, then writes it. */
    private static void writeNew(Path file, String text, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.createFile(file, PosixFilePermissions.asFileAttribute(perms));
        } catch (UnsupportedOperationException e) {
            throw new MiniLabException("cannot protect " + file + ": the file system has no POSIX permissions. "
                    + "Create the keys on a Linux/macOS file system.", e);
        } catch (FileAlreadyExistsException e) {
            throw new MiniLabException("refusing to overwrite existing key file " + file, e);
        }
        setPermissions(file, perms); // createFile's attribute is filtered by the umask; make the mode exact
        Files.writeString(file, text, StandardCharsets.US_ASCII, StandardOpenOption.TRUNCATE_EXISTING);
    }

    private static void setPermissions(Path path, Set<PosixFilePermission> perms) throws IOException {
        try {
            Files.setPosixFilePermissions(path, perms);
        } catch (UnsupportedOperationException e) {
            throw new MiniLabException("cannot protect " + path + ": the file system has no POSIX permissions. "
                    + "Create the keys on a Linux/macOS file system.", e);
        }
    }
}
