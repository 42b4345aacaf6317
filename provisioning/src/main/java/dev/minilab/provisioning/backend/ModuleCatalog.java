package dev.minilab.provisioning.backend;

import dev.minilab.provisioning.spec.GuestKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Where the Terraform module of each kind lives: {@code generated_iac/infra/modules/<module>} in the workspace, else
 * next to the launcher ({@code MINILAB_HOME}). Tests map a kind to a module of their own.
 */
public final class ModuleCatalog {

    /** Line of {@code resource "…" "this"} in the shipped main.tf files (used when the file is not at hand). */
    private static final Map<GuestKind, Integer> SHIPPED_RESOURCE_LINE = Map.of(GuestKind.LXC, 8, GuestKind.VM, 9);

    private static final Pattern VARIABLE = Pattern.compile("(?m)^variable\\s+\"([A-Za-z0-9_]+)\"");

    private final Map<GuestKind, Path> modules;

    public ModuleCatalog(Map<GuestKind, Path> modules) {
        this.modules = Map.copyOf(modules);
    }

    /** The shipped modules, looked up in each of {@code roots} (a workspace, MINILAB_HOME) in order. */
    public static ModuleCatalog standard(List<Path> roots) {
        Map<GuestKind, Path> found = new EnumMap<>(GuestKind.class);
        for (GuestKind kind : GuestKind.values()) {
            for (Path root : roots) {
                Path dir = root.resolve("generated_iac/infra/modules").resolve(kind.module());
                if (Files.isRegularFile(dir.resolve("main.tf"))) {
                    found.put(kind, dir.toAbsolutePath().normalize());
                    break;
                }
            }
        }
        return new ModuleCatalog(found);
    }

    public Optional<Path> module(GuestKind kind) {
        return Optional.ofNullable(modules.get(kind));
    }

    /**
     * The variables a spec may set for {@code kind}: those the module declares (credentials {@code pm_*} excepted),
     * or the shipped module's list when the module is not at hand.
     */
    public Set<String> variables(GuestKind kind) {
        Optional<Path> dir = module(kind);
        if (dir.isEmpty()) {
            return kind.variables();
        }
        Set<String> names = new TreeSet<>();
        try (Stream<Path> files = Files.list(dir.get())) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tf")).toList()) {
                Matcher m = VARIABLE.matcher(Files.readString(file));
                while (m.find()) {
                    if (!m.group(1).startsWith("pm_")) {
                        names.add(m.group(1));
                    }
                }
            }
        } catch (IOException e) {
            return kind.variables();
        }
        return Set.copyOf(names);
    }

    /** The line of the guest resource block in the module's main.tf, as terraform names it in errors. */
    public int resourceLine(GuestKind kind) {
        Optional<Path> dir = module(kind);
        if (dir.isPresent()) {
            try {
                List<String> lines = Files.readAllLines(dir.get().resolve("main.tf"));
                String wanted = "resource \"" + kind.resourceType() + "\" \"this\"";
                for (int i = 0; i < lines.size(); i++) {
                    if (lines.get(i).startsWith(wanted)) {
                        return i + 1;
                    }
                }
            } catch (IOException e) {
                // fall back to the shipped layout
            }
        }
        return SHIPPED_RESOURCE_LINE.get(kind);
    }
}
