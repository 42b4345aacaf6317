package dev.minilab.agents;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.RedisAcl;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * Per-role Redis ACL users for a Redis that {@code ./minilab up} starts itself: {@code keys/redis/<Sender>.password}
 * (one random password per sender, mode 0600, kept once made) and {@code keys/redis/users.acl} (the users, each
 * limited to MiniLab's keys and channels, password-less default user off; rewritten from the passwords each time).
 */
final class RedisAclFiles {

    static final String ACL_FILE = "users.acl";

    private RedisAclFiles() {
    }

    /** The folder of the ACL material under a keys folder. */
    static Path dir(Path keysDir) {
        return keysDir.resolve("redis");
    }

    /** Writes missing passwords and the ACL file; returns the senders whose password was created now. */
    static List<String> write(Path keysDir, List<String> senders, BusKeys keys) {
        Path dir = dir(keysDir);
        List<String> created = new ArrayList<>();
        try {
            Files.createDirectories(dir);
            Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
            List<String> lines = new ArrayList<>();
            // Redis ACL files allow no comments: every line is a user.
            lines.add(RedisAcl.defaultUserOff());
            for (String sender : senders) {
                Path passwordFile = dir.resolve(sender + ".password");
                if (!Files.exists(passwordFile)) {
                    writeOwnerOnly(passwordFile, newPassword());
                    created.add(sender);
                }
                String password = Files.readString(passwordFile, StandardCharsets.UTF_8).strip();
                lines.add(RedisAcl.userLine(sender, password, keys, "User".equals(sender),
                        dev.minilab.runtime.discipline.DisciplineKeys.of(keys).all()));
            }
            Path acl = dir.resolve(ACL_FILE);
            Files.deleteIfExists(acl);
            writeOwnerOnly(acl, String.join("\n", lines) + "\n");
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Redis ACL files in " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void writeOwnerOnly(Path file, String content) throws IOException {
        Files.createFile(file, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        Files.writeString(file, content, StandardCharsets.UTF_8);
    }

    private static String newPassword() {
        byte[] bytes = new byte[24];
        new SecureRandom().nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
