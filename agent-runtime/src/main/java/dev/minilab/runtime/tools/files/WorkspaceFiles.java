package dev.minilab.runtime.tools.files;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.sandbox.PathPolicy;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Objects;
import java.util.stream.Stream;

/**
 * Reads and writes workspace files through a {@link PathPolicy}; knows nothing of tools or models.
 *
 * <p>Every method resolves the path with the policy first (which throws
 * {@link dev.minilab.runtime.sandbox.PathRefusedException}) and opens the final component without following symlinks,
 * so a symlink swapped in after the check cannot redirect a write. Failures throw {@link MiniLabException} with a
 * message that says what to do.
 */
public final class WorkspaceFiles {

    /** Largest content one save/append call may write. */
    public static final int MAX_WRITE_BYTES = 1_000_000;
    /** Largest file {@link #read} loads. */
    public static final long MAX_READ_BYTES = 5_000_000;

    private final PathPolicy policy;

    public WorkspaceFiles(PathPolicy policy) {
        this.policy = Objects.requireNonNull(policy, "policy");
    }

    public PathPolicy policy() {
        return policy;
    }

    /** Writes {@code content} to {@code path} (replacing it), creating parent folders; returns the bytes written. */
    public int write(String path, String content) {
        return store(path, content, false);
    }

    /** Appends {@code content} to {@code path} (creating it); returns the bytes written. */
    public int append(String path, String content) {
        return store(path, content, true);
    }

    private int store(String path, String content, boolean append) {
        Path target = policy.resolveForWrite(path);
        byte[] bytes = content.getBytes(StandardCharsets.UTF_8);
        if (bytes.length > MAX_WRITE_BYTES) {
            throw new MiniLabException("content is " + bytes.length + " bytes, more than the " + MAX_WRITE_BYTES
                    + "-byte limit of one call; split it into several append_file calls");
        }
        if (Files.isDirectory(target, LinkOption.NOFOLLOW_LINKS)) {
            throw new MiniLabException("'" + path + "' is a folder; give a file path inside it");
        }
        try {
            Files.createDirectories(target.getParent());
            try (OutputStream out = Files.newOutputStream(target, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                    append ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING,
                    LinkOption.NOFOLLOW_LINKS)) {
                out.write(bytes);
            }
            return bytes.length;
        } catch (IOException e) {
            throw new MiniLabException("could not write '" + path + "': " + describe(e));
        }
    }

    /** A file's text or a folder's listing. */
    public sealed interface ReadOutcome {
        /** The text of a file. */
        record FileText(String text, long sizeBytes) implements ReadOutcome { }

        /** The entries of a folder ("name/" for sub-folders). */
        record Listing(List<String> entries) implements ReadOutcome { }
    }

    /** Reads a UTF-8 text file, or lists a folder. */
    public ReadOutcome read(String path) {
        Path target = policy.resolveForRead(path);
        try {
            if (Files.isDirectory(target)) {
                try (Stream<Path> entries = Files.list(target)) {
                    return new ReadOutcome.Listing(entries.sorted()
                            .map(p -> p.getFileName() + (Files.isDirectory(p) ? "/" : "")).toList());
                }
            }
            long size = Files.size(target);
            if (size > MAX_READ_BYTES) {
                throw new MiniLabException("'" + path + "' is " + size + " bytes, too big to read whole; use run_shell "
                        + "with head/tail/grep where allowed, or read a smaller file");
            }
            byte[] bytes = Files.readAllBytes(target);
            for (byte b : bytes) {
                if (b == 0) {
                    throw new MiniLabException("'" + path + "' is a binary file; read_file reads text files only");
                }
            }
            return new ReadOutcome.FileText(new String(bytes, StandardCharsets.UTF_8), size);
        } catch (NoSuchFileException e) {
            throw new MiniLabException("'" + path + "' does not exist; list its folder with read_file on the folder");
        } catch (IOException e) {
            throw new MiniLabException("could not read '" + path + "': " + describe(e));
        }
    }

    /** Deletes a file or an empty folder. */
    public void delete(String path) {
        Path target = policy.resolveForWrite(path);
        try {
            if (!Files.exists(target, LinkOption.NOFOLLOW_LINKS)) {
                throw new MiniLabException("'" + path + "' does not exist; nothing was deleted");
            }
            Files.delete(target);
        } catch (DirectoryNotEmptyException e) {
            throw new MiniLabException("'" + path + "' is a folder that is not empty; delete its files first");
        } catch (IOException e) {
            throw new MiniLabException("could not delete '" + path + "': " + describe(e));
        }
    }

    /** The path as the model should write it: relative to the workspace, with '/' separators. */
    public String display(Path real) {
        Path ws = realWorkspace();
        return real.startsWith(ws) ? ws.relativize(real).toString().replace('\\', '/') : real.toString();
    }

    private Path realWorkspace() {
        try {
            return policy.workspace().toRealPath();
        } catch (IOException e) {
            return policy.workspace();
        }
    }

    private static String describe(IOException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : " " + e.getMessage());
    }
}
