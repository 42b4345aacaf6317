package dev.minilab.containers.podman;

import dev.minilab.containers.compose.ComposeFile;
import dev.minilab.containers.compose.ComposeService;
import dev.minilab.containers.compose.ComposeService.Dependency;
import dev.minilab.containers.compose.ComposeService.Volume;
import dev.minilab.containers.compose.PodmanRunArgs;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code docker compose up -d} done with Podman for the services of one {@link ComposeFile}: a network named
 * {@code <project>_default}, the named volumes {@code <project>_<name>}, missing bind-mount folders created (as
 * Docker does; Podman refuses missing sources), and each service started after its dependencies with Compose's
 * conditions: {@code service_started} (running), {@code service_healthy} (its healthcheck passes, run on demand
 * with {@code podman healthcheck run} because no systemd timer runs it here) and
 * {@code service_completed_successfully} (exited 0). {@link #close()} saves every container's log and removes what
 * it created, images excepted.
 */
public final class ComposeStack implements AutoCloseable {

    private static final Duration COMMAND_TIMEOUT = Duration.ofMinutes(2);
    private static final Duration POLL = Duration.ofMillis(500);

    private final Podman podman;
    private ComposeFile compose;
    private final PodmanRunArgs.Settings settings;
    private final Path logs;
    private final Duration conditionTimeout;
    private final Set<String> started = new LinkedHashSet<>();
    private final List<String> runCommands = new ArrayList<>();

    /**
     * @param conditionTimeout how long a dependency may take to become healthy or complete
     */
    public ComposeStack(Podman podman, ComposeFile compose, PodmanRunArgs.Settings settings, Path logs,
                        Duration conditionTimeout) {
        this.podman = podman;
        this.compose = compose;
        this.settings = settings;
        this.logs = logs;
        this.conditionTimeout = conditionTimeout;
    }

    /**
     * Uses {@code reloaded} from now on, e.g. after the test changed {@code .env} between two {@code up} calls (as a
     * user edits .env and runs {@code docker compose up -d} again); services already started are kept.
     */
    public void reload(ComposeFile reloaded) {
        this.compose = reloaded;
    }

    /** Removes leftovers of an earlier run that died before its cleanup (same project, network and volumes). */
    public void removeLeftovers() {
        String ids = podman.ok(COMMAND_TIMEOUT, "ps", "--all", "--quiet", "--filter",
                "label=com.docker.compose.project=" + settings.project()).stdout();
        List<String> containers = new ArrayList<>(ids.lines().filter(l -> !l.isBlank()).toList());
        compose.services().values().forEach(s -> containers.add(s.containerName(settings.project())));
        List<String> rm = new ArrayList<>(List.of("rm", "--force", "--ignore", "--time", "0"));
        rm.addAll(containers);
        podman.ok(COMMAND_TIMEOUT, rm.toArray(String[]::new));
        podman.run(COMMAND_TIMEOUT, List.of("network", "rm", "--force", settings.network()));
        for (String volume : compose.namedVolumes()) {
            podman.run(COMMAND_TIMEOUT, List.of("volume", "rm", "--force",
                    PodmanRunArgs.volumeName(settings.project(), volume)));
        }
    }

    /** Creates the project network; returns its gateway address (the host side of the bridge). */
    public String createNetwork() {
        podman.ok(COMMAND_TIMEOUT, "network", "create", "--label", "com.docker.compose.project=" + settings.project(),
                settings.network());
        return podman.ok(COMMAND_TIMEOUT, "network", "inspect", "--format",
                "{{range .Subnets}}{{.Gateway}}{{end}}", settings.network()).stdout().strip();
    }

    /** Starts {@code services} and their dependencies (what {@code docker compose up -d SERVICE...} starts). */
    public void up(Collection<String> services) {
        for (ComposeService service : compose.startOrder(services)) {
            if (started.contains(service.name())) {
                continue;
            }
            compose.activeDependencies(service).forEach((name, dependency) -> await(compose.service(name), dependency));
            start(service);
        }
    }

    /** The container name of a service. */
    public String container(String service) {
        return compose.service(service).containerName(settings.project());
    }

    /** The {@code podman run} argument lists used so far, one line each, for the test's log. */
    public List<String> runCommands() {
        return List.copyOf(runCommands);
    }

    /** Runs {@code podman healthcheck run} once; true when it reports healthy. */
    public boolean healthy(String service) {
        return podman.run(COMMAND_TIMEOUT, List.of("healthcheck", "run", container(service))).ok();
    }

    /** {@code podman inspect --format FORMAT} of a service's container. */
    public String inspect(String service, String format) {
        return podman.ok(COMMAND_TIMEOUT, "inspect", "--format", format, container(service)).stdout().strip();
    }

    private void start(ComposeService service) {
        for (Volume volume : service.volumes()) {
            if (volume.bind() && !Files.exists(Path.of(volume.source()))) {
                try {
                    Files.createDirectories(Path.of(volume.source())); // Docker does this (owned by root)
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot create bind-mount source " + volume.source(), e);
                }
            } else if (!volume.bind()) {
                String name = PodmanRunArgs.volumeName(settings.project(), volume.source());
                if (!podman.run(COMMAND_TIMEOUT, List.of("volume", "exists", name)).ok()) {
                    podman.ok(COMMAND_TIMEOUT, "volume", "create", "--label",
                            "com.docker.compose.project=" + settings.project(), name);
                }
            }
        }
        List<String> args = PodmanRunArgs.of(service, settings);
        runCommands.add("podman " + String.join(" ", args));
        podman.ok(COMMAND_TIMEOUT, args.toArray(String[]::new));
        started.add(service.name());
    }

    private void await(ComposeService dependency, Dependency condition) {
        long deadline = System.nanoTime() + conditionTimeout.toNanos();
        String container = dependency.containerName(settings.project());
        while (true) {
            String state = podman.ok(COMMAND_TIMEOUT, "inspect", "--format", "{{.State.Status}} {{.State.ExitCode}}",
                    container).stdout().strip();
            boolean exited = state.startsWith("exited") || state.startsWith("stopped");
            boolean met = switch (condition.condition()) {
                case Dependency.STARTED -> state.startsWith("running");
                case Dependency.HEALTHY -> state.startsWith("running") && healthy(dependency.name());
                case Dependency.COMPLETED -> exited && state.endsWith(" 0");
                default -> throw new IllegalStateException(condition.condition());
            };
            if (met) {
                return;
            }
            if (exited && !condition.condition().equals(Dependency.COMPLETED) || exited && !state.endsWith(" 0")) {
                throw new PodmanException(dependency.name() + " is " + state + " instead of meeting "
                        + condition.condition() + "; its log:\n" + logsOf(container));
            }
            if (System.nanoTime() > deadline) {
                throw new PodmanException(dependency.name() + " did not reach " + condition.condition() + " within "
                        + conditionTimeout + " (state " + state + "); its log:\n" + logsOf(container));
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PodmanException("interrupted while waiting for " + dependency.name());
            }
        }
    }

    /** What the container printed (stdout and stderr), or the reason it could not be read. */
    public String logsOf(String container) {
        Podman.Result result = podman.run(COMMAND_TIMEOUT, List.of("logs", container));
        return result.stdout() + result.stderr();
    }

    /** Saves each container's log under the log folder, then removes containers, network and named volumes. */
    @Override
    public void close() {
        for (ComposeService service : compose.services().values()) {
            String container = service.containerName(settings.project());
            if (podman.run(COMMAND_TIMEOUT, List.of("container", "exists", container)).ok()) {
                try {
                    Files.createDirectories(logs);
                    Files.writeString(logs.resolve(container + ".log"), logsOf(container), StandardCharsets.UTF_8);
                } catch (IOException e) {
                    System.err.println("container test: could not save the log of " + container + ": " + e);
                }
            }
        }
        removeLeftovers();
    }
}
