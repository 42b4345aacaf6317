package dev.minilab.runtime.tools.terraform;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.runtime.MiniLabException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemLoopException;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * The content of every file terraform or a provisioner may read from a module: the whole module folder ({@code .tf},
 * {@code .tf.json}, {@code .tfvars}, scripts, templates, {@code .terraform.lock.hcl}, {@code .terraform/} with its
 * providers and installed modules) and the folder of every local child module terraform recorded in
 * {@code .terraform/modules/modules.json}, symlinks followed. The state files terraform itself writes
 * ({@code terraform.tfstate}, its backup, the lock info, {@code errored.tfstate}, {@code terraform.tfstate.d/}) are
 * left out: terraform checks the state itself (a stale plan is refused).
 *
 * @param sha256 the SHA-256 of the sorted file list with each file's SHA-256
 * @param files  each file (path relative to the module folder, {@code /}-separated) and its SHA-256
 */
public record ModuleDigest(String sha256, SortedMap<String, String> files) {

    private static final Set<String> STATE_FILES = Set.of("terraform.tfstate", "terraform.tfstate.backup",
            ".terraform.tfstate.lock.info", "errored.tfstate", "terraform.tfstate.d");
    private static final ObjectMapper JSON = new ObjectMapper();

    public ModuleDigest {
        files = new TreeMap<>(files);
    }

    /** The digest of a file list (as stored with a plan), recomputed from it. */
    public static ModuleDigest ofFiles(Map<String, String> files) {
        StringBuilder text = new StringBuilder();
        new TreeMap<>(files).forEach((path, sha) -> text.append(path).append('\0').append(sha).append('\n'));
        return new ModuleDigest(sha256(text.toString().getBytes(StandardCharsets.UTF_8)), new TreeMap<>(files));
    }

    /**
     * Reads the module at {@code moduleDir} and its local child modules.
     *
     * @throws MiniLabException when a file cannot be read
     */
    public static ModuleDigest of(Path moduleDir) {
        Path root = moduleDir.toAbsolutePath().normalize();
        SortedMap<String, String> files = new TreeMap<>();
        for (Path dir : foldersOf(root)) {
            walk(root, dir, files);
        }
        return ofFiles(files);
    }

    /** Names what differs from {@code earlier} (at most {@code limit} paths, with what happened to each). */
    public List<String> changesSince(ModuleDigest earlier, int limit) {
        Set<String> all = new TreeSet<>(files.keySet());
        all.addAll(earlier.files.keySet());
        List<String> changes = new ArrayList<>();
        for (String path : all) {
            String now = files.get(path);
            String then = earlier.files.get(path);
            if (now == null) {
                changes.add(path + " (deleted)");
            } else if (then == null) {
                changes.add(path + " (added)");
            } else if (!now.equals(then)) {
                changes.add(path + " (changed)");
            }
        }
        if (changes.size() > limit) {
            int more = changes.size() - limit;
            changes = new ArrayList<>(changes.subList(0, limit));
            changes.add("and " + more + " more");
        }
        return changes;
    }

    /** The module folder and every local child module folder terraform installed for it. */
    private static Set<Path> foldersOf(Path root) {
        Set<Path> dirs = new LinkedHashSet<>(List.of(root));
        Path manifest = root.resolve(".terraform/modules/modules.json");
        if (Files.isRegularFile(manifest)) {
            try {
                for (JsonNode module : JSON.readTree(manifest.toFile()).path("Modules")) {
                    String dir = module.path("Dir").asText("");
                    if (!dir.isEmpty()) {
                        Path child = root.resolve(dir).normalize();
                        if (!child.startsWith(root) && Files.isDirectory(child)) {
                            dirs.add(child);
                        }
                    }
                }
            } catch (IOException e) {
                throw new MiniLabException("cannot read " + manifest + " (terraform's module list): " + e.getMessage()
                        + ". Run init again");
            }
        }
        return dirs;
    }

    private static void walk(Path root, Path dir, SortedMap<String, String> files) {
        try {
            Files.walkFileTree(dir, EnumSet.of(FileVisitOption.FOLLOW_LINKS), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                            return d.getParent() != null && d.getParent().equals(dir)
                                    && STATE_FILES.contains(d.getFileName().toString())
                                    ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                            if (file.getParent().equals(dir) && STATE_FILES.contains(file.getFileName().toString())) {
                                return FileVisitResult.CONTINUE;
                            }
                            files.put(name(root, file), attrs.isRegularFile() ? sha256(file)
                                    : "special:" + (attrs.isOther() ? "other" : "unknown"));
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                            if (e instanceof FileSystemLoopException) {
                                files.put(name(root, file), "symlink-loop");
                                return FileVisitResult.CONTINUE;
                            }
                            throw e;
                        }
                    });
        } catch (IOException e) {
            throw new MiniLabException("cannot read the module folder " + dir + " to fingerprint it: " + e);
        }
    }

    private static String name(Path root, Path file) {
        return root.relativize(file.toAbsolutePath().normalize()).toString().replace('\\', '/');
    }

    private static String sha256(Path file) throws IOException {
        MessageDigest digest = newDigest();
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buffer = new byte[65536];
            int n;
            while ((n = in.read(buffer)) > 0) {
                digest.update(buffer, 0, n);
            }
        }
        return HexFormat.of().formatHex(digest.digest());
    }

    static String sha256(byte[] bytes) {
        return HexFormat.of().formatHex(newDigest().digest(bytes));
    }

    private static MessageDigest newDigest() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 missing from the JDK", e);
        }
    }
}
