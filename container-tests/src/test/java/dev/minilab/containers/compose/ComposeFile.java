package dev.minilab.containers.compose;

import dev.minilab.containers.compose.ComposeService.Dependency;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/**
 * A docker-compose.yml read the way Compose reads it: YAML anchors and merge keys ({@code <<}) resolved, every
 * string value interpolated from the given variables (what Compose takes from {@code .env} and the shell), profiles
 * applied from {@code COMPOSE_PROFILES}. Only the keys in {@link #TOP_LEVEL_KEYS} and {@link #SERVICE_KEYS} are
 * understood; any other key fails loading with a message naming it, so a key added to the compose file is never
 * silently left out of the container test.
 *
 * <p>Paths: build contexts resolve against the compose file's folder (the repository), bind-mount sources against
 * the project folder given to {@link #load} (what {@code docker compose --project-directory} does for volumes).
 */
public final class ComposeFile {

    /** Top-level keys understood; {@code x-*} extensions are always allowed. */
    public static final Set<String> TOP_LEVEL_KEYS = Set.of("name", "services", "volumes");

    /** Service keys translated to Podman; see {@code PodmanRunArgs}. */
    public static final Set<String> SERVICE_KEYS = Set.of("image", "build", "container_name", "command",
            "entrypoint", "user", "environment", "volumes", "restart", "healthcheck", "depends_on", "stdin_open",
            "tty", "profiles", "stop_grace_period", "security_opt", "cap_add", "cap_drop", "read_only", "tmpfs", "init",
            "working_dir", "stop_signal", "labels");

    private final String projectName;
    private final Map<String, ComposeService> services;
    private final Set<String> namedVolumes;
    private final Set<String> activeProfiles;

    private ComposeFile(String projectName, Map<String, ComposeService> services, Set<String> namedVolumes,
                        Set<String> activeProfiles) {
        this.projectName = projectName;
        this.services = services;
        this.namedVolumes = namedVolumes;
        this.activeProfiles = activeProfiles;
    }

    /**
     * Loads {@code composeFile}.
     *
     * @param projectDir where relative bind-mount sources point
     * @param variables  interpolation variables (e.g. {@link #readDotEnv} of the project's .env)
     * @throws ComposeException for unknown keys, malformed values, or a required variable without value
     */
    public static ComposeFile load(Path composeFile, Path projectDir, Map<String, String> variables) {
        Map<String, Object> root = yaml(composeFile);
        Interpolation interpolation = new Interpolation(variables);
        for (String key : root.keySet()) {
            if (!key.startsWith("x-") && !TOP_LEVEL_KEYS.contains(key)) {
                throw new ComposeException("Top-level key '" + key + "' in " + composeFile + " is not translated by "
                        + "the container test: teach ComposeFile/ComposeStack about it (and say in docs/DOCKER.md "
                        + "what the test does with it)");
            }
        }
        String name = root.containsKey("name") ? interpolation.apply(String.valueOf(root.get("name")))
                : projectDir.getFileName().toString();
        Set<String> profiles = new LinkedHashSet<>();
        for (String profile : variables.getOrDefault("COMPOSE_PROFILES", "").split(",")) {
            if (!profile.isBlank()) {
                profiles.add(profile.strip());
            }
        }
        Map<String, Object> serviceMaps = ServiceParser.map(root.get("services"), "services");
        Map<String, ComposeService> services = new LinkedHashMap<>();
        Path repo = composeFile.toAbsolutePath().getParent();
        serviceMaps.forEach((serviceName, raw) -> {
            Map<String, Object> body = ServiceParser.map(raw, "services." + serviceName);
            List<String> own = ServiceParser.list(body.get("profiles"), interpolation, serviceName + ".profiles")
                    .orElse(List.of());
            // A service left out by the profiles is never started, so keys it alone uses need no translation.
            boolean runs = own.isEmpty() || own.stream().anyMatch(profiles::contains);
            services.put(serviceName, ServiceParser.service(serviceName, body, interpolation, repo,
                    projectDir.toAbsolutePath(), runs));
        });
        Set<String> volumes = new LinkedHashSet<>(
                ServiceParser.map(root.getOrDefault("volumes", Map.of()), "volumes").keySet());
        return new ComposeFile(name, services, volumes, profiles);
    }

    /** Parses the file with YAML anchors, aliases and merge keys resolved, without interpolation. */
    public static Map<String, Object> yaml(Path composeFile) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            Object parsed = new Yaml(new SafeConstructor(options)).load(Files.readString(composeFile,
                    StandardCharsets.UTF_8));
            return ServiceParser.map(parsed, composeFile.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + composeFile, e);
        }
    }

    /** Reads a Compose {@code .env} file: {@code KEY=VALUE} lines, {@code #} comments, optional quotes. */
    public static Map<String, String> readDotEnv(Path file) {
        Map<String, String> out = new LinkedHashMap<>();
        try {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                String trimmed = line.strip();
                if (trimmed.isEmpty() || trimmed.startsWith("#")) {
                    continue;
                }
                int eq = trimmed.indexOf('=');
                if (eq <= 0) {
                    throw new ComposeException("Malformed line in " + file + ": " + line);
                }
                String value = trimmed.substring(eq + 1).strip();
                if (value.length() >= 2 && (value.startsWith("\"") && value.endsWith("\"")
                        || value.startsWith("'") && value.endsWith("'"))) {
                    value = value.substring(1, value.length() - 1);
                }
                out.put(trimmed.substring(0, eq).strip(), value);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
        return out;
    }

    public String projectName() {
        return projectName;
    }

    /** Every service in file order, enabled by its profiles or not. */
    public Map<String, ComposeService> services() {
        return services;
    }

    public ComposeService service(String name) {
        ComposeService service = services.get(name);
        if (service == null) {
            throw new ComposeException("No service '" + name + "' in the compose file; services: " + services.keySet());
        }
        return service;
    }

    public Set<String> namedVolumes() {
        return namedVolumes;
    }

    public Set<String> activeProfiles() {
        return activeProfiles;
    }

    /** Whether the service runs with the active profiles (no profiles = always, as in Compose). */
    public boolean enabled(ComposeService service) {
        return service.profiles().isEmpty() || service.profiles().stream().anyMatch(activeProfiles::contains);
    }

    /** The enabled services, in file order. */
    public List<ComposeService> enabledServices() {
        return services.values().stream().filter(this::enabled).toList();
    }

    /**
     * Returns {@code requested} plus everything they depend on, dependencies first (file order among equals).
     * A {@code depends_on} entry on a disabled service is dropped when it says {@code required: false}.
     *
     * @throws ComposeException on a cycle, an unknown service, or a required dependency that is disabled
     */
    public List<ComposeService> startOrder(Collection<String> requested) {
        List<ComposeService> order = new ArrayList<>();
        Set<String> visiting = new LinkedHashSet<>();
        for (String name : services.keySet()) {
            if (requested.contains(name)) {
                visit(service(name), order, visiting);
            }
        }
        for (String name : requested) {
            service(name); // unknown names fail
        }
        return order;
    }

    /** The enabled dependencies of {@code service} with their conditions. */
    public Map<String, Dependency> activeDependencies(ComposeService service) {
        Map<String, Dependency> out = new LinkedHashMap<>();
        service.dependsOn().forEach((name, dependency) -> {
            ComposeService target = service(name);
            if (enabled(target)) {
                out.put(name, dependency);
            } else if (dependency.required()) {
                throw new ComposeException("Service " + service.name() + " depends on " + name + ", which is not "
                        + "enabled by COMPOSE_PROFILES=" + String.join(",", activeProfiles));
            }
        });
        return out;
    }

    private void visit(ComposeService service, List<ComposeService> order, Set<String> visiting) {
        if (order.contains(service)) {
            return;
        }
        if (!enabled(service)) {
            throw new ComposeException("Service " + service.name() + " is not enabled by COMPOSE_PROFILES="
                    + String.join(",", activeProfiles) + " (profiles " + service.profiles() + ")");
        }
        if (!visiting.add(service.name())) {
            throw new ComposeException("depends_on cycle through " + visiting);
        }
        for (String dependency : activeDependencies(service).keySet()) {
            visit(service(dependency), order, visiting);
        }
        visiting.remove(service.name());
        order.add(service);
    }
}
