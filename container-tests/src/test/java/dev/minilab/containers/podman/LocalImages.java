package dev.minilab.containers.podman;

import dev.minilab.containers.compose.ComposeService.Build;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The images the container test needs, built on this machine because no registry is reachable: the Debian base
 * images ({@code docker/offline-base.sh}), a Redis stand-in on the same base, and the MiniLab image from the real
 * Dockerfile with the build args the compose file gives plus the offline ones (local base images, Terraform from
 * the build context).
 */
public final class LocalImages {

    /** The local image that stands in for the compose file's {@code redis} image. */
    public static final String REDIS_STAND_IN = "localhost/minilab-test-redis:bookworm";

    private static final Duration BASE_TIMEOUT = Duration.ofMinutes(25);
    private static final Duration BUILD_TIMEOUT = Duration.ofMinutes(30);

    /** The two base images {@code docker/offline-base.sh} made. */
    public record BaseImages(String build, String runtime) {
    }

    private final PodmanEnvironment environment;
    private final Podman podman;
    private final Path logs;

    public LocalImages(PodmanEnvironment environment, Podman podman, Path logs) {
        this.environment = environment;
        this.podman = podman;
        this.logs = logs;
    }

    /**
     * Runs {@code docker/offline-base.sh} with {@code jdk} (kept when its inputs did not change).
     *
     * @throws PodmanException with the script's output when it fails
     */
    public BaseImages baseImages(Path repo, Path jdk) {
        Path log = logs.resolve("offline-base.log");
        List<String> command = List.of("bash", repo.resolve("docker/offline-base.sh").toString(), "--engine",
                "podman", "--jdk", jdk.toString(), "--work", environment.cache().resolve("offline-base").toString());
        ProcessBuilder builder = new ProcessBuilder(command).redirectOutput(ProcessBuilder.Redirect.PIPE)
                .redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
        builder.environment().putAll(environment.env());
        try {
            Files.createDirectories(logs);
            Process process = builder.start();
            String stdout = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(BASE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS) || process.exitValue() != 0) {
                process.destroyForcibly();
                throw new PodmanException("docker/offline-base.sh failed (log: " + log + "):\n"
                        + Files.readString(log, StandardCharsets.UTF_8));
            }
            List<String> lines = stdout.lines().filter(l -> !l.isBlank()).toList();
            if (lines.size() < 2) {
                throw new PodmanException("docker/offline-base.sh printed no image names: " + stdout);
            }
            return new BaseImages(lines.get(lines.size() - 2).strip(), lines.get(lines.size() - 1).strip());
        } catch (IOException e) {
            throw new UncheckedIOException("could not run docker/offline-base.sh", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PodmanException("interrupted while building the base images");
        }
    }

    /** Builds the Redis stand-in from Debian's redis-server package on the runtime base image. */
    public String redisStandIn(BaseImages base) {
        Path context = logs.resolve("redis-stand-in");
        try (InputStream containerfile = LocalImages.class.getResourceAsStream("/redis-stand-in.Containerfile")) {
            if (containerfile == null) {
                throw new IllegalStateException("redis-stand-in.Containerfile is missing from the test resources");
            }
            Files.createDirectories(context);
            Files.copy(containerfile, context.resolve("Containerfile"), StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare " + context, e);
        }
        List<String> args = new ArrayList<>(List.of("build", "--pull=never", "--format", "docker",
                "--build-arg", "BASE=" + base.runtime(), "-t", REDIS_STAND_IN));
        ulimitArgs(args);
        args.add(context.toString());
        podman.okLogged(BUILD_TIMEOUT, logs.resolve("build-redis-stand-in.log"), args);
        return REDIS_STAND_IN;
    }

    /** Where the MiniLab image's jars come from: the Dockerfile's {@code JARS_SOURCE} build arg. */
    public enum JarsSource {
        /** The jars this Maven reactor already packaged, copied to {@code docker/local-jars/} (the default). */
        CONTEXT,
        /** The Dockerfile's own Maven build stage (slow when its Maven cache is cold: it downloads everything). */
        BUILD;

        /** From the {@code minilab.container.jars} system property: {@code context} (default) or {@code build}. */
        public static JarsSource fromProperty(String value) {
            if (value == null || value.isBlank() || value.equalsIgnoreCase("context")) {
                return CONTEXT;
            }
            if (value.equalsIgnoreCase("build")) {
                return BUILD;
            }
            throw new IllegalArgumentException("minilab.container.jars=" + value + " is not one of: context, build");
        }
    }

    /** The shaded jars the reactor packaged, relative to the repository, and their names in docker/local-jars/. */
    static final Map<String, String> REACTOR_JARS = Map.of(
            "agents/target/minilab-agent.jar", "minilab-agent.jar",
            "console/target/minilab-console.jar", "minilab-console.jar");

    /**
     * Builds {@code image} from the compose service's {@code build} section, with the offline build args added:
     * {@code BUILD_IMAGE}/{@code RUNTIME_IMAGE} from {@code base}, {@code TERRAFORM_SOURCE=context} with
     * {@code terraform} copied to {@code docker/local-terraform/terraform} in the build context (git-ignored), and
     * with {@link JarsSource#CONTEXT} {@code JARS_SOURCE=context} with the reactor's jars copied to
     * {@code docker/local-jars/} (git-ignored).
     */
    public void minilab(String image, Build build, BaseImages base, Path terraform, JarsSource jars) {
        copyIfChanged(terraform, build.context().resolve("docker/local-terraform/terraform"));
        if (jars == JarsSource.CONTEXT) {
            REACTOR_JARS.forEach((packaged, name) -> {
                Path jar = build.context().resolve(packaged);
                if (!Files.isRegularFile(jar)) {
                    throw new PodmanException(jar + " is missing: the container test builds the image from the jars "
                            + "this reactor packaged; run it with the modules it needs (./mvnw verify, or -pl "
                            + "container-tests -am), or pass -Dminilab.container.jars=build to compile them in the "
                            + "Dockerfile's build stage instead");
                }
                copyIfChanged(jar, build.context().resolve("docker/local-jars").resolve(name));
            });
        }
        List<String> args = new ArrayList<>(List.of("build", "--pull=never", "--format", "docker",
                "-f", build.context().resolve(build.dockerfile()).toString()));
        build.args().forEach((key, value) -> args.addAll(List.of("--build-arg", key + "=" + value)));
        args.addAll(List.of("--build-arg", "BUILD_IMAGE=" + base.build(), "--build-arg", "RUNTIME_IMAGE=" + base.runtime(),
                "--build-arg", "TERRAFORM_SOURCE=context",
                "--build-arg", "JARS_SOURCE=" + jars.name().toLowerCase(java.util.Locale.ROOT), "-t", image));
        ulimitArgs(args);
        args.add(build.context().toString());
        podman.okLogged(BUILD_TIMEOUT, logs.resolve("build-minilab.log"), args);
        // Keep the image store bounded without losing the build cache: the Maven stage's layers are untagged
        // ("dangling") images too, so only those a day old go.
        podman.ok(Duration.ofMinutes(5), "image", "prune", "--force", "--filter", "until=24h");
    }

    private static void copyIfChanged(Path source, Path target) {
        try {
            if (!Files.exists(target) || Files.mismatch(target, source) != -1) {
                Files.createDirectories(target.getParent());
                Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.COPY_ATTRIBUTES);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot copy " + source + " to " + target, e);
        }
    }

    /** The {@code terraform} on the PATH (the image gets the same binary). */
    public static Path terraformOnPath(Map<String, String> processEnv) {
        return Arrays.stream(processEnv.getOrDefault("PATH", "").split(":")).filter(d -> !d.isEmpty())
                .map(d -> Path.of(d, "terraform")).filter(Files::isExecutable).findFirst()
                .orElseThrow(() -> new PodmanException("no terraform on the PATH: the container test builds the "
                        + "image offline with the machine's terraform (TERRAFORM_SOURCE=context); install Terraform "
                        + "1.11.4 (the Dockerfile's TERRAFORM_VERSION)"));
    }

    private void ulimitArgs(List<String> args) {
        for (String ulimit : environment.ulimits()) {
            args.addAll(List.of("--ulimit", ulimit));
        }
    }
}
