package dev.minilab.runtime.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.text.Normalizer;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Decides which workspace paths a tool may read and write.
 *
 * <p>A path is given relative to the workspace ({@code generated_iac/config/site.yml}) or absolute inside it. It is
 * refused when it contains a NUL or control character, a backslash, a {@code ..} segment, Unicode characters that
 * normalise to something else (look-alike slashes and dots), when it lies outside every allowed root (checked per path
 * component, so {@code docs2} is not inside {@code docs}), when resolving symlinks leads outside the roots, when a
 * symlink on the way dangles, or when it names a denied file (the SSH key, any {@code .env}). Refusals throw
 * {@link PathRefusedException} with a message that says what is allowed.
 *
 * <p>Roots are resolved again on every check, so roots created after the policy (e.g. {@code tmp/}) work, and a root
 * that is itself a symlink set up by the user is honoured.
 *
 * @param workspace   the workspace root (MINILAB_WORKSPACE)
 * @param readRoots   roots that may be read, relative to the workspace (write roots are readable too)
 * @param writeRoots  roots that may be written, relative to the workspace
 * @param deniedFiles files no tool may read or write (absolute or relative to the workspace)
 * @param deniedNames file names refused anywhere (e.g. {@code .env})
 */
public record PathPolicy(Path workspace, List<Path> readRoots, List<Path> writeRoots, List<Path> deniedFiles,
                         Set<String> deniedNames) {

    /** The four workspace roots of DESIGN.md section 6. */
    public static final List<Path> WORKSPACE_ROOTS = List.of(
            Path.of("generated_iac/infra"), Path.of("generated_iac/config"), Path.of("docs"), Path.of("tmp"));

    /** File names no file tool may touch anywhere in the workspace. */
    public static final Set<String> DEFAULT_DENIED_NAMES = Set.of(".env");

    public PathPolicy {
        Objects.requireNonNull(workspace, "workspace");
        workspace = workspace.toAbsolutePath().normalize();
        readRoots = List.copyOf(readRoots);
        writeRoots = List.copyOf(writeRoots);
        deniedFiles = List.copyOf(deniedFiles);
        deniedNames = Set.copyOf(deniedNames);
        for (Path root : concat(readRoots, writeRoots)) {
            if (root.isAbsolute() || root.normalize().startsWith("..")) {
                throw new IllegalArgumentException("roots are relative to the workspace and stay inside it: " + root);
            }
        }
    }

    /** Reads and writes every workspace root (DevOps_Builder). */
    public static PathPolicy fullAccess(Path workspace, List<Path> deniedFiles) {
        return new PathPolicy(workspace, WORKSPACE_ROOTS, WORKSPACE_ROOTS, deniedFiles, DEFAULT_DENIED_NAMES);
    }

    /** Reads every workspace root, writes only under {@code docs/} (Architect_Zero). */
    public static PathPolicy docsWriter(Path workspace, List<Path> deniedFiles) {
        return new PathPolicy(workspace, WORKSPACE_ROOTS, List.of(Path.of("docs")), deniedFiles, DEFAULT_DENIED_NAMES);
    }

    /** Reads every workspace root, writes nothing (Security_Sentinel, QA_Tester). */
    public static PathPolicy readOnly(Path workspace, List<Path> deniedFiles) {
        return new PathPolicy(workspace, WORKSPACE_ROOTS, List.of(), deniedFiles, DEFAULT_DENIED_NAMES);
    }

    /** Returns a policy with the same workspace and denied files whose read and write roots are {@code roots}. */
    public PathPolicy restrictedTo(List<Path> roots) {
        return new PathPolicy(workspace, roots, roots, deniedFiles, deniedNames);
    }

    /** Returns the real path of {@code requested} when it may be read. */
    public Path resolveForRead(String requested) {
        return resolve(requested, concat(readRoots, writeRoots), "read");
    }

    /** Returns the real path of {@code requested} (which need not exist yet) when it may be written or deleted. */
    public Path resolveForWrite(String requested) {
        return resolve(requested, writeRoots, "write");
    }

    /** The allowed roots for {@code action}, as the model should write them ({@code docs/, tmp/}). */
    public String describeRoots(boolean write) {
        List<Path> roots = write ? writeRoots : concat(readRoots, writeRoots);
        if (roots.isEmpty()) {
            return "(none: this role may not write files)";
        }
        return roots.stream().distinct().map(r -> r.toString().replace('\\', '/') + "/").collect(Collectors.joining(", "));
    }

    private Path resolve(String requested, List<Path> roots, String action) {
        if (requested == null || requested.isBlank()) {
            throw refuse(requested, "the path is empty; give a path relative to the workspace such as docs/notes.md");
        }
        checkCharacters(requested);
        if (roots.isEmpty()) {
            throw refuse(requested, "this role may not " + action + " files at all");
        }
        Path given;
        try {
            given = Path.of(requested);
        } catch (InvalidPathException e) {
            throw refuse(requested, "'" + printable(requested) + "' is not a valid path (" + e.getReason() + ")");
        }
        for (Path segment : given) {
            if (segment.toString().equals("..")) {
                throw refuse(requested, "'" + printable(requested) + "' contains '..'; give the path relative to the "
                        + "workspace without '..', under " + describeRoots(action.equals("write")));
            }
        }
        Path lexical = (given.isAbsolute() ? given : workspace.resolve(given)).normalize();
        Path root = matchingRoot(lexical, roots, false);
        if (root == null) {
            throw refuse(requested, "'" + printable(requested) + "' is outside the allowed folders; you may " + action
                    + " only under " + describeRoots(action.equals("write")) + " (relative to the workspace "
                    + workspace + ")");
        }
        if (lexical.equals(workspace.resolve(root).normalize()) && action.equals("write")) {
            throw refuse(requested, "'" + printable(requested) + "' is a root folder; give a file path inside it");
        }
        Path real = realPath(requested, lexical);
        if (matchingRoot(real, roots, true) == null) {
            throw refuse(requested, "'" + printable(requested) + "' resolves through a symlink to " + real
                    + ", which is outside the allowed folders " + describeRoots(action.equals("write")));
        }
        checkDenied(requested, lexical, real);
        return real;
    }

    private static void checkCharacters(String requested) {
        for (int i = 0; i < requested.length(); i++) {
            char c = requested.charAt(i);
            if (c == 0) {
                throw refuse(requested, "the path contains a NUL byte; send a plain path");
            }
            if (Character.isISOControl(c)) {
                throw refuse(requested, "the path contains a control character (code " + (int) c + "); send a plain path");
            }
            if (c == '\\') {
                throw refuse(requested, "the path contains a backslash; use '/' as the separator");
            }
        }
        if (!Normalizer.normalize(requested, Normalizer.Form.NFKC).equals(requested)
                || requested.codePoints().anyMatch(PathPolicy::isLookAlike)) {
            throw refuse(requested, "the path '" + printable(requested) + "' contains Unicode look-alike characters "
                    + "(such as a fullwidth dot or a division slash); write it with plain '/' and '.'");
        }
    }

    private static boolean isLookAlike(int cp) {
        // Slashes and dots that NFKC keeps as they are, and invisible characters that hide a different name.
        return cp == 0x2215 || cp == 0x2044 || cp == 0x29F8 || cp == 0x2571 || cp == 0x1735 || cp == 0x2024
                || cp == 0x2027 || cp == 0x00B7 || cp == 0x200B || cp == 0x200C || cp == 0x200D || cp == 0x2060
                || cp == 0xFEFF || cp == 0x202E || cp == 0x202D || cp == 0xFF0F || cp == 0xFF0E;
    }

    private Path matchingRoot(Path candidate, List<Path> roots, boolean real) {
        for (Path root : roots) {
            Path base = workspace.resolve(root).normalize();
            if (real) {
                base = realOrSelf(base);
            }
            if (candidate.startsWith(base)) { // Path.startsWith compares whole components: docs2 is not under docs
                return root;
            }
        }
        return null;
    }

    /** The real path of {@code path}, or of its deepest existing ancestor with the rest appended. */
    private static Path realOrSelf(Path path) {
        Path existing = path;
        List<Path> missing = new ArrayList<>();
        while (existing != null && !Files.exists(existing)) {
            missing.addFirst(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return path;
        }
        try {
            Path real = existing.toRealPath();
            for (Path part : missing) {
                real = real.resolve(part);
            }
            return real;
        } catch (IOException e) {
            return path;
        }
    }

    /** Resolves symlinks of the deepest existing ancestor and appends the part that does not exist yet. */
    private static Path realPath(String requested, Path lexical) {
        Path existing = lexical;
        List<Path> missing = new ArrayList<>();
        while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
            missing.addFirst(existing.getFileName());
            existing = existing.getParent();
        }
        if (existing == null) {
            return lexical;
        }
        Path real;
        try {
            real = existing.toRealPath();
        } catch (IOException e) {
            throw refuse(requested, "'" + printable(requested) + "' goes through a symlink that points nowhere ("
                    + existing + "); remove the symlink or use another path");
        }
        for (Path part : missing) {
            real = real.resolve(part);
        }
        return real;
    }

    private void checkDenied(String requested, Path lexical, Path real) {
        String name = real.getFileName() == null ? "" : real.getFileName().toString();
        String lexicalName = lexical.getFileName() == null ? "" : lexical.getFileName().toString();
        for (String denied : deniedNames) {
            if (name.equalsIgnoreCase(denied) || lexicalName.equalsIgnoreCase(denied)) {
                throw refuse(requested, "'" + printable(requested) + "' is a protected file (" + denied
                        + " holds secrets); no tool may read or write it");
            }
        }
        for (Path deniedFile : deniedFiles) {
            Path abs = (deniedFile.isAbsolute() ? deniedFile : workspace.resolve(deniedFile)).normalize();
            // startsWith: a denied folder (the signing keys) protects everything under it
            if (real.startsWith(abs) || lexical.startsWith(abs) || real.startsWith(realOrSelf(abs))
                    || sameFile(real, abs)) {
                throw refuse(requested, "'" + printable(requested) + "' is a protected file (SSH key or credentials); "
                        + "no tool may read or write it");
            }
        }
    }

    private static boolean sameFile(Path a, Path b) {
        try {
            return Files.exists(a) && Files.exists(b) && Files.isSameFile(a, b); // catches hard links to the key
        } catch (IOException e) {
            return false;
        }
    }

    private static PathRefusedException refuse(String requested, String message) {
        return new PathRefusedException(requested, "path refused: " + message);
    }

    private static String printable(String text) {
        StringBuilder out = new StringBuilder();
        text.codePoints().forEach(cp -> {
            if (cp < 0x20 || cp == 0x7F || (cp > 0x7E && (Character.getType(cp) == Character.FORMAT
                    || Character.isWhitespace(cp)))) {
                out.append(String.format(Locale.ROOT, "\\u%04X", cp));
            } else {
                out.appendCodePoint(cp);
            }
        });
        return out.length() > 200 ? out.substring(0, 200) + "…" : out.toString();
    }

    private static List<Path> concat(List<Path> a, List<Path> b) {
        List<Path> all = new ArrayList<>(a);
        for (Path p : b) {
            if (!all.contains(p)) {
                all.add(p);
            }
        }
        return all;
    }
}
