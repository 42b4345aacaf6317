package dev.minilab.agents;

import dev.minilab.runtime.config.ConfigException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Finds a role's prompt (DESIGN.md section 2): {@code MINILAB_PROMPTS}, else {@code prompts/} in the workspace, else
 * the {@code prompts/} shipped next to the launcher ({@code MINILAB_HOME}).
 */
public final class Prompts {

    private Prompts() {
    }

    /** The folders searched, in order. */
    public static List<Path> searchPath(Optional<String> promptsVar, Path workspace, Optional<String> home) {
        List<Path> folders = new ArrayList<>();
        promptsVar.ifPresent(p -> folders.add(Path.of(p)));
        folders.add(workspace.resolve("prompts"));
        home.ifPresent(h -> folders.add(Path.of(h).resolve("prompts")));
        return folders;
    }

    /** Reads {@code <Role>.md} from the first folder that has it. */
    public static String load(Role role, List<Path> folders) {
        String file = role.displayName() + ".md";
        for (Path folder : folders) {
            Path candidate = folder.resolve(file);
            if (Files.isRegularFile(candidate)) {
                try {
                    String text = Files.readString(candidate, StandardCharsets.UTF_8);
                    if (text.isBlank()) {
                        throw ConfigException.invalid("MINILAB_PROMPTS", candidate.toString(),
                                "a non-empty prompt file " + file);
                    }
                    return text;
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot read " + candidate, e);
                }
            }
        }
        throw ConfigException.missing("MINILAB_PROMPTS", "no " + file + " found in " + folders
                + "; set MINILAB_PROMPTS to a folder with the four prompt files or run from the MiniLab folder");
    }
}
