package dev.minilab.containers.compose;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.containers.compose.ComposeService.Healthcheck;
import dev.minilab.containers.compose.ComposeService.Volume;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Translates one compose service into the arguments of {@code podman run -d}: the same image, command, entry
 * point, user, environment, mounts, restart policy, healthcheck, stop timeout and signal, stdin/TTY, security
 * options, capabilities, read-only root, tmpfs mounts, init, working directory, labels, network alias and the labels
 * Compose sets. What is added that the compose file does not say is only what Podman on the test machine
 * needs: the network, explicit ulimits, {@code --pull=never}, and a local stand-in for an image no registry can give.
 */
public final class PodmanRunArgs {

    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * @param project     the compose project name (container names, volume prefix, labels)
     * @param network     the podman network every service joins
     * @param ulimits     e.g. {@code nproc=4096:4096}, passed as {@code --ulimit}
     * @param standIns    image repository (without tag, e.g. {@code redis}) → local image used instead
     */
    public record Settings(String project, String network, List<String> ulimits, Map<String, String> standIns) {
        public Settings {
            Objects.requireNonNull(project, "project");
            Objects.requireNonNull(network, "network");
            ulimits = List.copyOf(ulimits);
            standIns = Map.copyOf(standIns);
        }
    }

    private PodmanRunArgs() {
    }

    /** The image podman runs for {@code service}: the compose image, or the stand-in for its repository. */
    public static String image(ComposeService service, Settings settings) {
        String image = service.image();
        int slash = image.lastIndexOf('/');
        int colon = image.lastIndexOf(':');
        String repository = colon > slash ? image.substring(0, colon) : image;
        return settings.standIns().getOrDefault(repository, image);
    }

    /** The name of the podman volume for a named compose volume: {@code <project>_<name>}, as Compose names it. */
    public static String volumeName(String project, String volume) {
        return project + "_" + volume;
    }

    /** Returns the arguments after {@code podman}: {@code run -d ... IMAGE [COMMAND...]}. */
    public static List<String> of(ComposeService service, Settings settings) {
        List<String> args = new ArrayList<>(List.of("run", "-d", "--pull=never",
                "--name", service.containerName(settings.project()),
                "--network", settings.network(), "--network-alias", service.name(),
                "--label", "com.docker.compose.project=" + settings.project(),
                "--label", "com.docker.compose.service=" + service.name()));
        for (String ulimit : settings.ulimits()) {
            args.addAll(List.of("--ulimit", ulimit));
        }
        args.add("--restart=" + service.restart());
        service.user().ifPresent(user -> args.addAll(List.of("--user", user)));
        service.entrypoint().ifPresent(entrypoint -> args.addAll(List.of("--entrypoint", json(entrypoint))));
        if (service.stdinOpen()) {
            args.add("--interactive");
        }
        if (service.tty()) {
            args.add("--tty");
        }
        service.stopGracePeriod().ifPresent(grace ->
                args.addAll(List.of("--stop-timeout", String.valueOf(ceilSeconds(grace)))));
        ComposeService.Hardening hardening = service.hardening();
        hardening.securityOpt().forEach(opt -> args.addAll(List.of("--security-opt", opt)));
        hardening.capAdd().forEach(cap -> args.addAll(List.of("--cap-add", cap)));
        hardening.capDrop().forEach(cap -> args.addAll(List.of("--cap-drop", cap)));
        if (hardening.readOnly()) {
            args.add("--read-only");
        }
        hardening.tmpfs().forEach(mount -> args.addAll(List.of("--tmpfs", mount)));
        if (hardening.init()) {
            args.add("--init");
        }
        hardening.workingDir().ifPresent(dir -> args.addAll(List.of("--workdir", dir)));
        hardening.stopSignal().ifPresent(signal -> args.addAll(List.of("--stop-signal", signal)));
        hardening.labels().forEach((key, value) -> args.addAll(List.of("--label", key + "=" + value)));
        service.environment().forEach((key, value) -> args.addAll(List.of("--env", key + "=" + value)));
        for (Volume volume : service.volumes()) {
            String source = volume.bind() ? volume.source() : volumeName(settings.project(), volume.source());
            args.addAll(List.of("--volume", source + ":" + volume.target() + (volume.readOnly() ? ":ro" : "")));
        }
        service.healthcheck().ifPresent(check -> args.addAll(healthcheck(check)));
        args.add(image(service, settings));
        service.command().ifPresent(args::addAll);
        return args;
    }

    private static List<String> healthcheck(Healthcheck check) {
        if (check.disabled()) {
            return List.of("--no-healthcheck");
        }
        List<String> args = new ArrayList<>();
        if (!check.test().isEmpty()) {
            String kind = check.test().get(0);
            List<String> rest = check.test().subList(1, check.test().size());
            switch (kind) {
                // Podman reads a JSON array as the exec form and anything else as a command for /bin/sh -c.
                case "CMD" -> args.addAll(List.of("--health-cmd", json(rest)));
                case "CMD-SHELL" -> args.addAll(List.of("--health-cmd", String.join(" ", rest)));
                default -> throw new ComposeException("healthcheck test must start with CMD, CMD-SHELL or NONE: "
                        + check.test());
            }
        }
        check.interval().ifPresent(d -> args.addAll(List.of("--health-interval", goDuration(d))));
        check.timeout().ifPresent(d -> args.addAll(List.of("--health-timeout", goDuration(d))));
        check.startPeriod().ifPresent(d -> args.addAll(List.of("--health-start-period", goDuration(d))));
        check.retries().ifPresent(r -> args.addAll(List.of("--health-retries", String.valueOf(r))));
        return args;
    }

    private static String goDuration(Duration duration) {
        return duration.toMillis() + "ms";
    }

    private static long ceilSeconds(Duration duration) {
        return (duration.toMillis() + 999) / 1000;
    }

    private static String json(List<String> words) {
        try {
            return JSON.writeValueAsString(words);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
