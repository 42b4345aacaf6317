package dev.minilab.containers.compose;

import dev.minilab.containers.compose.ComposeService.Build;
import dev.minilab.containers.compose.ComposeService.Dependency;
import dev.minilab.containers.compose.ComposeService.Healthcheck;
import dev.minilab.containers.compose.ComposeService.Volume;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns one service's YAML mapping into a {@link ComposeService}, interpolating every value on the way. */
final class ServiceParser {

    private static final Pattern DURATION_PART = Pattern.compile("(\\d+(?:\\.\\d+)?)(h|ms|m|s|us|ns)");

    private ServiceParser() {
    }

    /**
     * Parses one service; with {@code strict}, a key outside {@link ComposeFile#SERVICE_KEYS} fails.
     *
     * @param repo       what build contexts resolve against
     * @param projectDir what bind-mount sources resolve against
     */
    static ComposeService service(String name, Map<String, Object> body, Interpolation interpolation,
                                  Path repo, Path projectDir, boolean strict) {
        for (String key : body.keySet()) {
            if (strict && !ComposeFile.SERVICE_KEYS.contains(key)) {
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
                        .map(ServiceParser::duration),
                new ComposeService.Hardening(
                        securityOpts(list(body.get("security_opt"), interpolation, name + ".security_opt")
                                .orElse(List.of()), projectDir),
                        list(body.get("cap_add"), interpolation, name + ".cap_add").orElse(List.of()),
                        list(body.get("cap_drop"), interpolation, name + ".cap_drop").orElse(List.of()),
                        bool(body.get("read_only"), name + ".read_only"),
                        body.get("tmpfs") instanceof String one ? List.of(interpolation.apply(one))
                                : list(body.get("tmpfs"), interpolation, name + ".tmpfs").orElse(List.of()),
                        bool(body.get("init"), name + ".init"),
                        text(body.get("working_dir"), interpolation, name + ".working_dir"),
                        text(body.get("stop_signal"), interpolation, name + ".stop_signal"),
                        keyValues(body.get("labels"), interpolation, name + ".labels")));
    }

    /**
     * A relative seccomp profile ({@code seccomp=./x.json} or {@code seccomp:./x.json}) resolved against the project
     * directory, as Compose v2 does (docker/compose#8669); podman would resolve it against its own working directory.
     */
    static List<String> securityOpts(List<String> opts, Path projectDir) {
        List<String> out = new ArrayList<>();
        for (String opt : opts) {
            String resolved = opt;
            for (String prefix : List.of("seccomp=", "seccomp:")) {
                String value = opt.startsWith(prefix) ? opt.substring(prefix.length()) : null;
                if (value != null && !value.equals("unconfined") && !value.equals("builtin") && !value.startsWith("/")
                        && !value.startsWith("{")) {
                    resolved = "seccomp=" + projectDir.resolve(value).normalize();
                }
            }
            out.add(resolved);
        }
        return out;
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
                text(check.get("interval"), interpolation, "interval").map(ServiceParser::duration),
                text(check.get("timeout"), interpolation, "timeout").map(ServiceParser::duration),
                text(check.get("start_period"), interpolation, "start_period").map(ServiceParser::duration),
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

    static Optional<List<String>> list(Object value, Interpolation interpolation, String where) {
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
    static Map<String, Object> map(Object value, String where) {
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
