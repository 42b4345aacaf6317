package dev.minilab.runtime.tools.shell;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.PatternSyntaxException;

/**
 * Expands a word's glob the way bash does by default ({@code *}, {@code ?}, {@code [...]} per path segment, no match
 * of a leading dot unless the pattern has one, sorted, and the word kept as it is when nothing matches), so that the
 * restricted shell checks exactly the words the command will get. The checked words are then passed quoted, so bash
 * expands nothing itself.
 */
final class Globs {

    /** At most this many words from one glob; more is refused as too broad for an inspection shell. */
    static final int MAX_MATCHES = 2000;

    private Globs() {
    }

    /** The words {@code word} becomes in {@code cwd}. */
    static List<String> expand(ShellWords.Word word, Path cwd) {
        if (word.glob() == null) {
            return List.of(word.text());
        }
        String pattern = word.glob();
        boolean absolute = pattern.startsWith("/");
        List<String> segments = splitSegments(absolute ? pattern.substring(1) : pattern);
        List<String> found = new ArrayList<>();
        try {
            walk(absolute ? Path.of("/") : cwd, absolute ? "/" : "", segments, 0, found);
        } catch (PatternSyntaxException e) {
            return List.of(word.text());
        }
        if (found.isEmpty()) {
            return List.of(word.text());
        }
        if (found.size() > MAX_MATCHES) {
            throw new IllegalArgumentException("'" + word.text() + "' matches more than " + MAX_MATCHES + " files");
        }
        found.sort(null);
        return found;
    }

    private static void walk(Path dir, String prefix, List<String> segments, int index, List<String> found) {
        if (found.size() > MAX_MATCHES) {
            return;
        }
        String segment = segments.get(index);
        boolean last = index == segments.size() - 1;
        if (!hasGlob(segment)) {
            String literal = unescape(segment);
            Path next = dir.resolve(literal);
            if (last) {
                if (Files.exists(next, java.nio.file.LinkOption.NOFOLLOW_LINKS)) {
                    found.add(prefix + literal);
                }
            } else if (Files.isDirectory(next)) {
                walk(next, prefix + literal + "/", segments, index + 1, found);
            }
            return;
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + segment);
        boolean dotAllowed = segment.startsWith(".");
        List<Path> entries = new ArrayList<>();
        try (DirectoryStream<Path> stream = Files.newDirectoryStream(dir)) {
            stream.forEach(entries::add);
        } catch (IOException e) {
            return;
        }
        for (Path entry : entries) {
            String name = entry.getFileName().toString();
            if ((name.startsWith(".") && !dotAllowed) || !matcher.matches(Path.of(name))) {
                continue;
            }
            if (last) {
                found.add(prefix + name);
            } else if (Files.isDirectory(entry)) {
                walk(entry, prefix + name + "/", segments, index + 1, found);
            }
        }
    }

    private static List<String> splitSegments(String pattern) {
        List<String> out = new ArrayList<>();
        for (String s : pattern.split("/", -1)) {
            if (!s.isEmpty()) {
                out.add(s);
            }
        }
        return out.isEmpty() ? List.of("") : out;
    }

    private static boolean hasGlob(String segment) {
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\') {
                i++;
            } else if (c == '*' || c == '?' || c == '[') {
                return true;
            }
        }
        return false;
    }

    private static String unescape(String segment) {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < segment.length(); i++) {
            char c = segment.charAt(i);
            if (c == '\\' && i + 1 < segment.length()) {
                out.append(segment.charAt(++i));
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
