package dev.minilab.containers.compose;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * One service of a compose file after YAML merge keys and interpolation, holding only the keys this interpreter
 * translates (see {@link ComposeFile#SERVICE_KEYS}).
 *
 * @param environment  in file order; values are strings as the container sees them
 * @param restart      {@code no} when the file says nothing
 */
public record ComposeService(String name, String image, Optional<Build> build, Optional<String> containerName,
                             Optional<List<String>> command, Optional<List<String>> entrypoint, Optional<String> user,
                             Map<String, String> environment, List<Volume> volumes, String restart,
                             Optional<Healthcheck> healthcheck, Map<String, Dependency> dependsOn, boolean stdinOpen,
                             boolean tty, List<String> profiles, Optional<Duration> stopGracePeriod,
                             Hardening hardening) {

    public ComposeService {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(image, "image");
        environment = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(environment));
        volumes = List.copyOf(volumes);
        dependsOn = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(dependsOn));
        profiles = List.copyOf(profiles);
        Objects.requireNonNull(hardening, "hardening");
    }

    /**
     * The process and filesystem settings: {@code security_opt}, {@code cap_add}, {@code cap_drop},
     * {@code read_only}, {@code tmpfs}, {@code init}, {@code working_dir}, {@code stop_signal}, {@code labels}.
     */
    public record Hardening(List<String> securityOpt, List<String> capAdd, List<String> capDrop, boolean readOnly,
                            List<String> tmpfs, boolean init, Optional<String> workingDir, Optional<String> stopSignal,
                            Map<String, String> labels) {
        public static final Hardening NONE = new Hardening(List.of(), List.of(), List.of(), false, List.of(), false,
                Optional.empty(), Optional.empty(), Map.of());

        public Hardening {
            securityOpt = List.copyOf(securityOpt);
            capAdd = List.copyOf(capAdd);
            capDrop = List.copyOf(capDrop);
            tmpfs = List.copyOf(tmpfs);
            labels = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(labels));
        }
    }

    /** The container's name: {@code container_name}, else Compose's {@code <project>-<service>-1}. */
    public String containerName(String project) {
        return containerName.orElse(project + "-" + name + "-1");
    }

    /** {@code build:} with its context resolved to an absolute folder. */
    public record Build(Path context, String dockerfile, Map<String, String> args) {
        public Build {
            args = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(args));
        }
    }

    /**
     * One short-syntax volume: a bind mount ({@code bind}, source an absolute host path resolved against the project
     * folder) or a named volume (source the volume's name in the file).
     */
    public record Volume(String source, String target, boolean readOnly, boolean bind) {
    }

    /** {@code healthcheck:}; {@code test} keeps Compose's first word (CMD, CMD-SHELL or NONE). */
    public record Healthcheck(List<String> test, Optional<Duration> interval, Optional<Duration> timeout,
                              Optional<Duration> startPeriod, OptionalInt retries, boolean disabled) {
        public Healthcheck {
            test = List.copyOf(test);
        }
    }

    /** One {@code depends_on} entry. */
    public record Dependency(String condition, boolean required) {
        public static final String STARTED = "service_started";
        public static final String HEALTHY = "service_healthy";
        public static final String COMPLETED = "service_completed_successfully";
    }
}
