package dev.minilab.containers.compose;

import dev.minilab.containers.compose.ComposeService.Build;
import dev.minilab.containers.compose.ComposeService.Dependency;
import dev.minilab.containers.compose.ComposeService.Healthcheck;
import dev.minilab.containers.compose.ComposeService.Volume;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
            "tty", "profiles", "stop_grace_period");

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|ns)");

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
        Map<String, Object> serviceMaps = map(root.get("services"), "services");
        Map<String, ComposeService> services = new LinkedHashMap<>();
        Path repo = composeFile.toAbsolutePath().getParent();
        serviceMaps.forEach((serviceName, body) -> services.put(serviceName,
                service(serviceName, map(body, "services." + serviceName), interpolation, repo,
                        projectDir.toAbsolutePath())));
        Set<String> volumes = new LinkedHashSet<>(map(root.getOrDefault("volumes", Map.of()), "volumes").keySet());
        Set<String> profiles = new LinkedHashSet<>();
        for (String profile : variables.getOrDefault("COMPOSE_PROFILES", "").split(",")) {
            if (!profile.isBlank()) {
                profiles.add(profile.strip());
            }
        }
        return new ComposeFile(name, services, volumes, profiles);
    }

    /** Parses the file with YAML anchors, aliases and merge keys resolved, without interpolation. */
    public static Map<String, Object> yaml(Path composeFile) {
        LoaderOptions options = new LoaderOptions();
        options.setAllowDuplicateKeys(false);
        try {
            Object parsed = new Yaml(new SafeConstructor(options)).load(Files.readString(composeFile,
                    StandardCharsets.UTF_8));
            return map(parsed, composeFile.toString());
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

    private static ComposeService service(String name, Map<String, Object> body, Interpolation interpolation,
                                          Path repo, Path projectDir) {
        for (String key : body.keySet()) {
            if (!SERVICE_KEYS.contains(key)) {
                throw new ComposeException("Service " + name + " uses '" + key + "', which the container test does "
                        + "not translate to Podman yet: add it to ComposeFile.SERVICE_KEYS and PodmanRunArgs (or, if "
                        + "Podman cannot do it, list the difference in docs/DOCKER.md and notes)");
            }
        }
        String image = text(body.get("image"), interpolation, name + ".image")
                .orElseThrow(() -> new ComposeException("Service " + name + " has no image"));
        return new ComposeService(name, image,
                build(body.get("build"), interpolation, repo, name),
                text(body.get("container_name"), interpolation, name + ".container_name"),
                list(body.get("command"), interpolation, name + ".command"),
                list(body.get("entrypoint"), interpolation, name + ".entrypoint"),
                text(body.get("user"), interpolation, name + ".user"),
                keyValues(body.get("environment"), interpolation, name + ".environment"),
                volumes(body.get("volumes"), interpolation, projectDir, name),
                text(body.get("restart"), interpolation, name + ".restart").orElse("no"),
                healthcheck(body.get("healthcheck"), interpolation, name),
                dependencies(body.get("depends_on"), name),
                bool(body.get("stdin_open"), name + ".stdin_open"),
                bool(body.get("tty"), name + ".tty"),
                list(body.get("profiles"), interpolation, name + ".profiles").orElse(List.of()),
                text(body.get("stop_grace_period"), interpolation, name + ".stop_grace_period")
                        .map(ComposeFile::duration));
    }

    private static Optional<Build> build(Object value, Interpolation interpolation, Path repo, String service) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String context) {
            return Optional.of(new Build(repo.resolve(interpolation.apply(context)).normalize(), "Dockerfile", Map.of()));
        }
        Map<String, Object> build = map(value, service + ".build");
        for (String key : build.keySet()) {
            if (!Set.of("context", "dockerfile", "args").contains(key)) {
                throw new ComposeException("Service " + service + " build." + key + " is not translated by the "
                        + "container test (context, dockerfile, args are)");
            }
        }
        Path context = repo.resolve(text(build.get("context"), interpolation, service + ".build.context").orElse("."))
                .normalize();
        String dockerfile = text(build.get("dockerfile"), interpolation, service + ".build.dockerfile")
                .orElse("Dockerfile");
        return Optional.of(new Build(context, dockerfile,
                keyValues(build.get("args"), interpolation, service + ".build.args")));
    }

    private static List<Volume> volumes(Object value, Interpolation interpolation, Path projectDir, String service) {
        List<Volume> out = new ArrayList<>();
        if (value == null) {
            return out;
        }
        for (Object entry : listOf(value, service + ".volumes")) {
            if (!(entry instanceof String shortSyntax)) {
                throw new ComposeException("Service " + service + " uses the long volume syntax " + entry
                        + "; the container test translates the short syntax SOURCE:TARGET[:ro] only");
            }
            String[] parts = interpolation.apply(shortSyntax).split(":");
            if (parts.length < 2 || parts.length > 3 || (parts.length == 3 && !Set.of("ro", "rw").contains(parts[2]))) {
                throw new ComposeException("Service " + service + " volume '" + shortSyntax + "' is not "
                        + "SOURCE:TARGET[:ro|rw]");
            }
            String source = parts[0];
            boolean bind = source.startsWith(".") || source.startsWith("/") || source.startsWith("~");
            if (bind) {
                source = source.startsWith("~") ? Path.of(System.getProperty("user.home"), source.substring(1))
                        .normalize().toString() : projectDir.resolve(source).normalize().toString();
            }
            out.add(new Volume(source, parts[1], parts.length == 3 && parts[2].equals("ro"), bind));
        }
        return out;
    }

    private static Optional<Healthcheck> healthcheck(Object value, Interpolation interpolation, String service) {
        if (value == null) {
            return Optional.empty();
        }
        Map<String, Object> check = map(value, service + ".healthcheck");
        for (String key : check.keySet()) {
            if (!Set.of("test", "interval", "timeout", "start_period", "retries", "disable").contains(key)) {
                throw new ComposeException("Service " + service + " healthcheck." + key + " is not translated by the "
                        + "container test");
            }
        }
        List<String> test;
        Object rawTest = check.get("test");
        if (rawTest instanceof String shell) {
            test = List.of("CMD-SHELL", interpolation.apply(shell));
        } else {
            test = list(rawTest, interpolation, service + ".healthcheck.test").orElse(List.of());
        }
        OptionalInt retries = check.get("retries") == null ? OptionalInt.empty()
                : OptionalInt.of(Integer.parseInt(String.valueOf(check.get("retries"))));
        return Optional.of(new Healthcheck(test,
                text(check.get("interval"), interpolation, "interval").map(ComposeFile::duration),
                text(check.get("timeout"), interpolation, "timeout").map(ComposeFile::duration),
                text(check.get("start_period"), interpolation, "start_period").map(ComposeFile::duration),
                retries, bool(check.get("disable"), service + ".healthcheck.disable")
                        || (!test.isEmpty() && test.get(0).equals("NONE"))));
    }

    private static Map<String, Dependency> dependencies(Object value, String service) {
        Map<String, Dependency> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (value instanceof List<?> names) {
            names.forEach(n -> out.put(String.valueOf(n), new Dependency(Dependency.STARTED, true)));
            return out;
        }
        map(value, service + ".depends_on").forEach((name, body) -> {
            Map<String, Object> dependency = map(body, service + ".depends_on." + name);
            for (String key : dependency.keySet()) {
                if (!Set.of("condition", "required").contains(key)) {
                    throw new ComposeException("Service " + service + " depends_on." + name + "." + key + " is not "
                            + "translated by the container test");
                }
            }
            String condition = String.valueOf(dependency.getOrDefault("condition", Dependency.STARTED));
            if (!Set.of(Dependency.STARTED, Dependency.HEALTHY, Dependency.COMPLETED).contains(condition)) {
                throw new ComposeException("Service " + service + " depends_on." + name + " has unknown condition "
                        + condition);
            }
            out.put(name, new Dependency(condition, !Boolean.FALSE.equals(dependency.get("required"))));
        });
        return out;
    }

    /** Parses a Compose duration such as {@code 30s}, {@code 1m30s} or {@code 500ms}. */
    public static Duration duration(String text) {
        Matcher m = DURATION_PART.matcher(text.strip());
        Duration total = Duration.ZERO;
        int end = 0;
        while (m.find()) {
            if (m.start() != end) {
                break;
            }
            double amount = Double.parseDouble(m.group(1));
            long nanos = switch (m.group(2)) {
                case "h" -> 3_600_000_000_000L;
                case "m" -> 60_000_000_000L;
                case "s" -> 1_000_000_000L;
                case "ms" -> 1_000_000L;
                case "us" -> 1_000L;
                default -> 1L;
            };
            total = total.plusNanos(Math.round(amount * nanos));
            end = m.end();
        }
        if (end == 0 || end != text.strip().length()) {
            throw new ComposeException("Malformed duration '" + text + "' (expected e.g. 30s, 1m30s, 500ms)");
        }
        return total;
    }

    private static Map<String, String> keyValues(Object value, Interpolation interpolation, String where) {
        Map<String, String> out = new LinkedHashMap<>();
        if (value == null) {
            return out;
        }
        if (value instanceof List<?> entries) {
            for (Object entry : entries) {
                String text = String.valueOf(entry);
                int eq = text.indexOf('=');
                if (eq <= 0) {
                    throw new ComposeException(where + ": '" + text + "' takes its value from the shell, which the "
                            + "container test does not pass on; write KEY=VALUE");
                }
                out.put(text.substring(0, eq), interpolation.apply(text.substring(eq + 1)));
            }
            return out;
        }
        map(value, where).forEach((key, raw) -> {
            if (raw == null) {
                throw new ComposeException(where + "." + key + " has no value (Compose would take it from the shell; "
                        + "the container test does not pass the shell on)");
            }
            out.put(key, interpolation.apply(String.valueOf(raw)));
        });
        return out;
    }

    private static Optional<String> text(Object value, Interpolation interpolation, String where) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof Map<?, ?> || value instanceof List<?>) {
            throw new ComposeException(where + " must be a single value, not " + value);
        }
        return Optional.of(interpolation.apply(String.valueOf(value)));
    }

    private static Optional<List<String>> list(Object value, Interpolation interpolation, String where) {
        if (value == null) {
            return Optional.empty();
        }
        if (value instanceof String text) {
            // Compose splits a string command like a shell would; MiniLab's file uses the list form only.
            return Optional.of(Arrays.stream(interpolation.apply(text).trim().split("\\s+")).toList());
        }
        return Optional.of(listOf(value, where).stream().map(v -> interpolation.apply(String.valueOf(v))).toList());
    }

    private static boolean bool(Object value, String where) {
        if (value == null) {
            return false;
        }
        if (value instanceof Boolean b) {
            return b;
        }
        throw new ComposeException(where + " must be true or false, not " + value);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value, String where) {
        if (value instanceof Map<?, ?> m) {
            Map<String, Object> out = new LinkedHashMap<>();
            ((Map<Object, Object>) m).forEach((k, v) -> out.put(String.valueOf(k), v));
            return out;
        }
        throw new ComposeException(where + " must be a mapping, not " + value);
    }

    private static List<?> listOf(Object value, String where) {
        if (value instanceof List<?> l) {
            return l;
        }
        throw new ComposeException(where + " must be a list, not " + value);
    }
}
