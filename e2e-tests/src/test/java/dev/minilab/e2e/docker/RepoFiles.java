package dev.minilab.e2e.docker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** Finds files at the repository root (the folder holding {@code mvnw}) and resolves compose interpolation. */
final class RepoFiles {

    private static final Pattern INTERPOLATION = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(?::?(-|\\?)([^}]*))?}");

    private RepoFiles() {
    }

    /** Returns the repository root: the nearest ancestor of the working directory that holds {@code mvnw}. */
    static Path root() {
        Path dir = Path.of("").toAbsolutePath();
        while (dir != null) {
            if (Files.isRegularFile(dir.resolve("mvnw")) && Files.isRegularFile(dir.resolve("pom.xml"))
                    && Files.isDirectory(dir.resolve("e2e-tests"))) {
                return dir;
            }
            dir = dir.getParent();
        }
        throw new IllegalStateException("no repository root (a folder with mvnw and e2e-tests/) above "
                + Path.of("").toAbsolutePath());
    }

    static String read(String relative) {
        try {
            return Files.readString(root().resolve(relative), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + relative + " at the repository root", e);
        }
    }

    /**
     * Parses a YAML file at the repository root as Compose does: anchors, aliases and merge keys ({@code <<})
     * resolved, duplicate keys refused. No interpolation.
     */
    static JsonNode yaml(String relative) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        Object tree = new Yaml(new SafeConstructor(options)).load(read(relative));
        return new ObjectMapper().valueToTree(tree);
    }

    /** The texts of a YAML list (empty for a missing node). */
    static List<String> texts(JsonNode array) {
        List<String> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asText()));
        return out;
    }

    /**
     * Resolves {@code ${VAR:-default}} / {@code ${VAR-default}} to the default and {@code ${VAR}} /
     * {@code ${VAR:?message}} to {@code <VAR>}, as {@code docker compose} does with an empty environment.
     */
    static String withDefaults(String value) {
        Matcher m = INTERPOLATION.matcher(value);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String replacement = "-".equals(m.group(2)) ? m.group(3) : "<" + m.group(1) + ">";
            m.appendReplacement(out, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(out);
        return out.toString();
    }
}
