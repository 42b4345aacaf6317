package dev.minilab.provisioning.terraform;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.minilab.provisioning.spec.Variables;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The root module of one deployment: {@code generated_iac/infra/deployments/<name>/}, a copy of the module's
 * {@code .tf} files (refreshed before every plan), the spec's variables as {@code terraform.tfvars.json}, and the
 * deployment's own state. {@code run_terraform} can work on it too (e.g. a reviewed destroy). When
 * {@code generated_iac/infra/deployments/backend.tf} exists (copied from a module's {@code backend.tf.example}), it is
 * copied in and the state key is set per deployment.
 */
final class DeploymentDir {

    static final String TFVARS = "terraform.tfvars.json";
    static final String SHARED_BACKEND = "backend.tf";

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Path sharedBackend;

    DeploymentDir(Path deploymentsRoot, String name) {
        this.dir = deploymentsRoot.resolve(name);
        this.sharedBackend = deploymentsRoot.resolve(SHARED_BACKEND);
    }

    Path path() {
        return dir;
    }

    /** Whether the deployment uses the shared remote-state backend. */
    boolean remoteState() {
        return Files.isRegularFile(dir.resolve(SHARED_BACKEND));
    }

    /** Copies the module's .tf files in (removing .tf files the module no longer has) and writes the variables. */
    void prepare(Path module, Variables variables) throws IOException {
        Files.createDirectories(dir);
        Set<String> wanted = new HashSet<>();
        try (Stream<Path> files = Files.list(module)) {
            for (Path file : files.filter(f -> f.toString().endsWith(".tf") && Files.isRegularFile(f)).toList()) {
                wanted.add(file.getFileName().toString());
                Files.copy(file, dir.resolve(file.getFileName()), StandardCopyOption.REPLACE_EXISTING);
            }
        }
        if (Files.isRegularFile(sharedBackend)) {
            wanted.add(SHARED_BACKEND);
            Files.copy(sharedBackend, dir.resolve(SHARED_BACKEND), StandardCopyOption.REPLACE_EXISTING);
        }
        try (Stream<Path> files = Files.list(dir)) {
            List<Path> stale = files.filter(f -> f.toString().endsWith(".tf")
                    && !wanted.contains(f.getFileName().toString())).toList();
            for (Path file : stale) {
                Files.delete(file);
            }
        }
        Files.writeString(dir.resolve(TFVARS), JSON.writerWithDefaultPrettyPrinter()
                .writeValueAsString(variables.toJson()) + "\n");
    }
}
