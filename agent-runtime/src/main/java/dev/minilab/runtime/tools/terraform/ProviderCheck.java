package dev.minilab.runtime.tools.terraform;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Refuses a module before terraform runs when it names a Proxmox provider other than {@code bpg/proxmox}
 * (LESSONS row 21: {@code hashicorp/proxmox} does not exist; {@code telmate/proxmox} is not the one MiniLab supports),
 * or uses {@code proxmox_*} resources without declaring {@code bpg/proxmox} (terraform would then look for
 * {@code hashicorp/proxmox}). Local child modules ({@code source = "../modules/x"}) inside the allowed root are
 * checked too. A regex check, not an HCL parser: cheap and strict.
 */
public final class ProviderCheck {

    /** The one Proxmox provider MiniLab supports. */
    public static final String ALLOWED_PROXMOX_SOURCE = "bpg/proxmox";

    private static final Pattern REQUIRED_PROVIDERS = Pattern.compile("required_providers\\s*\\{");
    private static final Pattern SOURCE = Pattern.compile("source\\s*=\\s*\"([^\"]+)\"");
    private static final Pattern USES_PROXMOX = Pattern.compile(
            "(?m)^\\s*(provider\\s+\"proxmox\"|resource\\s+\"proxmox_|data\\s+\"proxmox_)");
    private static final Pattern MODULE_BLOCK = Pattern.compile("module\\s+\"[^\"]+\"\\s*\\{");

    private ProviderCheck() {
    }

    /**
     * Returns the problem (with the fix) when the module at {@code moduleDir} must not run, empty when it may.
     *
     * @param allowedRoot child modules are followed only inside this folder
     */
    public static Optional<String> problem(Path moduleDir, Path allowedRoot) {
        Deque<Path> todo = new ArrayDeque<>(List.of(moduleDir));
        Set<Path> seen = new HashSet<>();
        while (!todo.isEmpty()) {
            Path dir = todo.pop().normalize();
            if (!seen.add(dir) || !Files.isDirectory(dir)) {
                continue;
            }
            StringBuilder all = new StringBuilder();
            try (Stream<Path> files = Files.list(dir)) {
                for (Path tf : files.filter(f -> f.getFileName().toString().endsWith(".tf")).sorted().toList()) {
                    String text = stripComments(Files.readString(tf));
                    all.append(text).append('\n');
                    for (String source : providerSources(text)) {
                        String normalized = source.toLowerCase(Locale.ROOT).replaceFirst("^registry\\.terraform\\.io/", "")
                                .replaceFirst("^registry\\.opentofu\\.org/", "");
                        if (normalized.contains("proxmox") && !normalized.equals(ALLOWED_PROXMOX_SOURCE)) {
                            return Optional.of("provider source \"" + source + "\" in " + moduleDir.relativize(tf)
                                    .toString().replace('\\', '/') + (dir.equals(moduleDir) ? "" : " (child module "
                                    + dir.getFileName() + ")") + " is not allowed: MiniLab supports only the "
                                    + "bpg/proxmox provider (hashicorp/proxmox does not exist). Write "
                                    + "required_providers { proxmox = { source = \"bpg/proxmox\" } } and use its "
                                    + "resource types (proxmox_virtual_environment_*)");
                        }
                    }
                }
            } catch (IOException e) {
                return Optional.of("cannot read the module's .tf files in " + dir + ": " + e.getMessage());
            }
            String text = all.toString();
            if (USES_PROXMOX.matcher(text).find() && providerSources(text).stream()
                    .noneMatch(s -> s.toLowerCase(Locale.ROOT).endsWith(ALLOWED_PROXMOX_SOURCE))) {
                return Optional.of("the module uses the proxmox provider but does not declare its source, so "
                        + "terraform would look for hashicorp/proxmox, which does not exist. Add terraform { "
                        + "required_providers { proxmox = { source = \"bpg/proxmox\" } } }");
            }
            for (String child : moduleSources(text)) {
                if (child.startsWith("./") || child.startsWith("../")) {
                    Path childDir = dir.resolve(child).normalize();
                    if (childDir.startsWith(allowedRoot)) {
                        todo.push(childDir);
                    }
                }
            }
        }
        return Optional.empty();
    }

    private static List<String> providerSources(String text) {
        List<String> sources = new java.util.ArrayList<>();
        Matcher block = REQUIRED_PROVIDERS.matcher(text);
        while (block.find()) {
            String body = blockBody(text, block.end());
            Matcher source = SOURCE.matcher(body);
            while (source.find()) {
                sources.add(source.group(1));
            }
        }
        return sources;
    }

    private static List<String> moduleSources(String text) {
        List<String> sources = new java.util.ArrayList<>();
        Matcher block = MODULE_BLOCK.matcher(text);
        while (block.find()) {
            Matcher source = SOURCE.matcher(blockBody(text, block.end()));
            if (source.find()) {
                sources.add(source.group(1));
            }
        }
        return sources;
    }

    /** The text from {@code start} (just after an opening brace) to the matching closing brace. */
    private static String blockBody(String text, int start) {
        int depth = 1;
        for (int i = start; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '{') {
                depth++;
            } else if (c == '}' && --depth == 0) {
                return text.substring(start, i);
            }
        }
        return text.substring(start);
    }

    private static String stripComments(String text) {
        return text.replaceAll("(?s)/\\*.*?\\*/", " ").replaceAll("(?m)(^|\\s)(#|//).*$", "$1");
    }
}
