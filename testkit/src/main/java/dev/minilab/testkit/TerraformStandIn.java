package dev.minilab.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Objects;
import java.util.Optional;

/**
 * Installs the terraform STAND-IN: an executable (Python 3) named {@code terraform-stand-in} that honours terraform's
 * CLI contract for provider-free modules (see the script's header for what it understands and its injectable faults).
 * Tests use it everywhere; when a real {@code terraform} is on PATH ({@link #realTerraform()}) the same tests also run
 * against it.
 */
public final class TerraformStandIn {

    /** File name of the installed stand-in; named so nobody mistakes it for terraform. */
    public static final String EXECUTABLE_NAME = "terraform-stand-in";

    private TerraformStandIn() {
    }

    /** Writes the stand-in into {@code directory} and returns the path of the executable. */
    public static Path install(Path directory) {
        String python = python().orElseThrow(() -> new IllegalStateException(
                "the terraform stand-in needs python3 (apt-get install python3; ansible brings it too)"));
        try (InputStream in = TerraformStandIn.class.getResourceAsStream("terraform-stand-in.py")) {
            Objects.requireNonNull(in, "terraform-stand-in.py resource missing from testkit");
            String script = "#!" + python + "\n" + new String(in.readAllBytes(), StandardCharsets.UTF_8);
            Files.createDirectories(directory);
            Path executable = directory.resolve(EXECUTABLE_NAME);
            Files.writeString(executable, script);
            Files.setPosixFilePermissions(executable, PosixFilePermissions.fromString("rwxr-xr-x"));
            return executable;
        } catch (IOException e) {
            throw new UncheckedIOException("could not install the terraform stand-in into " + directory, e);
        }
    }

    /** A real {@code terraform} on PATH, if any (tests run against it too when present). */
    public static Optional<Path> realTerraform() {
        return onPath("terraform");
    }

    private static Optional<String> python() {
        for (String candidate : new String[] {"/usr/bin/python3", "/usr/local/bin/python3"}) {
            if (Files.isExecutable(Path.of(candidate))) {
                return Optional.of(candidate);
            }
        }
        return onPath("python3").map(Path::toString);
    }

    static Optional<Path> onPath(String name) {
        String path = System.getenv("PATH");
        if (path == null) {
            return Optional.empty();
        }
        for (String dir : path.split(":")) {
            if (!dir.isBlank() && Files.isExecutable(Path.of(dir, name)) && !Files.isDirectory(Path.of(dir, name))) {
                return Optional.of(Path.of(dir, name));
            }
        }
        return Optional.empty();
    }
}
