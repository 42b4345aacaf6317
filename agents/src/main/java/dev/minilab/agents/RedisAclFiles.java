package dev.minilab.agents;

import dev.minilab.runtime.bus.BusKeys;
import dev.minilab.runtime.bus.RedisAcl;
import dev.minilab.runtime.discipline.DisciplineKeys;
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
import java.util.stream.Stream;

/**
 * Per-role Redis ACL users for a Redis that {@code ./minilab up} starts itself: {@code keys/redis/<Sender>.password}
 * (one random password per sender, mode 0600, kept once made) and {@code keys/redis/users.acl} (the users, each
 * limited to MiniLab's keys and channels, password-less default user off; rewritten from the passwords each time).
 *
 * <p>Several teams on one Redis (docs/DEPLOY.md): a team with key prefix {@code P} keeps its passwords in
 * {@code keys/redis/teams/<P without its last ':' and with ':' as '.'>/} (with the exact prefix in a file
 * {@code prefix}); its users are named {@link RedisAcl#username(String, BusKeys)} ({@code blue.devops_builder}) and
 * reach only {@code P}'s keys. {@code users.acl} holds every team found under the keys folder, plus
 * {@link RedisAcl#ACL_LOADER}, which may only re-read that file, so a team that starts later joins a running Redis.
 */
final class RedisAclFiles {

    static final String ACL_FILE = "users.acl";
    static final String ACL_LOADER_PASSWORD = "acl_loader.password";
    private static final String PREFIX_FILE = "prefix";

    private RedisAclFiles() {
    }

    /** The folder of the ACL material under a keys folder. */
    static Path dir(Path keysDir) {
        return keysDir.resolve("redis");
    }

    /** The folder of one team's passwords: the ACL folder itself for the standard keys. */
    static Path passwordDir(Path keysDir, BusKeys keys) {
        if (keys.prefix().isEmpty()) {
            return dir(keysDir);
        }
        String prefix = keys.prefix();
        String name = (prefix.endsWith(":") ? prefix.substring(0, prefix.length() - 1) : prefix).replace(':', '.');
        return dir(keysDir).resolve("teams").resolve(name);
    }

    /** Writes missing passwords of {@code keys}' team and the ACL file; returns the senders whose password is new. */
    static List<String> write(Path keysDir, List<String> senders, BusKeys keys) {
        Path dir = dir(keysDir);
        try {
            createOwnerOnlyDir(dir);
            Path teamDir = passwordDir(keysDir, keys);
            if (!keys.prefix().isEmpty()) {
                createOwnerOnlyDir(teamDir.getParent());
                createOwnerOnlyDir(teamDir);
                Path prefixFile = teamDir.resolve(PREFIX_FILE);
                if (Files.exists(prefixFile)) {
                    String stored = Files.readString(prefixFile, StandardCharsets.UTF_8).strip();
                    if (!stored.equals(keys.prefix())) {
                        throw new IOException("the folder " + teamDir + " belongs to key prefix '" + stored
                                + "', not '" + keys.prefix() + "': choose another prefix");
                    }
                } else {
                    writeOwnerOnly(prefixFile, keys.prefix() + "\n");
                }
            }
            List<String> created = new ArrayList<>();
            for (String sender : senders) {
                Path passwordFile = teamDir.resolve(sender + ".password");
                if (!Files.exists(passwordFile)) {
                    writeOwnerOnly(passwordFile, newPassword());
                    created.add(sender);
                }
            }
            if (!Files.exists(dir.resolve(ACL_LOADER_PASSWORD))) {
                writeOwnerOnly(dir.resolve(ACL_LOADER_PASSWORD), newPassword());
            }
            List<String> lines = new ArrayList<>();
            // Redis ACL files allow no comments: every line is a user.
            lines.add(RedisAcl.defaultUserOff());
            lines.add(RedisAcl.aclLoaderLine(read(dir.resolve(ACL_LOADER_PASSWORD))));
            for (BusKeys team : teams(keysDir, senders)) {
                Path passwords = passwordDir(keysDir, team);
                for (String sender : senders) {
                    lines.add(RedisAcl.teamUserLine(sender, read(passwords.resolve(sender + ".password")), team,
                            "User".equals(sender), DisciplineKeys.of(team).all()));
                }
            }
            Path acl = dir.resolve(ACL_FILE);
            Path next = dir.resolve(ACL_FILE + ".new");
            Files.deleteIfExists(next);
            writeOwnerOnly(next, String.join("\n", lines) + "\n");
            // a Redis may ACL LOAD at any moment (another team starting): it must never see a half-written file
            Files.move(next, acl, java.nio.file.StandardCopyOption.REPLACE_EXISTING,
                    java.nio.file.StandardCopyOption.ATOMIC_MOVE);
            return created;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the Redis ACL files in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Every team whose passwords are all present: the standard one (top folder), then {@code teams/*}. */
    static List<BusKeys> teams(Path keysDir, List<String> senders) throws IOException {
        List<BusKeys> teams = new ArrayList<>();
        if (complete(dir(keysDir), senders)) {
            teams.add(BusKeys.DEFAULT);
        }
        Path teamsDir = dir(keysDir).resolve("teams");
        if (Files.isDirectory(teamsDir)) {
            try (Stream<Path> dirs = Files.list(teamsDir)) {
                for (Path teamDir : dirs.sorted().toList()) {
                    Path prefixFile = teamDir.resolve(PREFIX_FILE);
                    if (Files.isRegularFile(prefixFile) && complete(teamDir, senders)) {
                        teams.add(new BusKeys(read(prefixFile)));
                    }
                }
            }
        }
        return teams;
    }

    private static boolean complete(Path dir, List<String> senders) {
        return senders.stream().allMatch(s -> Files.isRegularFile(dir.resolve(s + ".password")));
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
    }

    private static void createOwnerOnlyDir(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
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
