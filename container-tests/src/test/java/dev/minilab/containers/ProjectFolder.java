package dev.minilab.containers;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The folder the test runs the compose project from, laid out like a user's checkout: {@code prompts/},
 * {@code docs/} and {@code generated_iac/} copied from the repository (without run-time state such as execution
 * logs, {@code .terraform/} or state files) and the committed {@code docker/seccomp-bwrap.json}; {@code docs/} and
 * {@code generated_iac/} owned by the uid the image runs as (what a user with that uid has), and a {@code .env}. {@code keys/} and {@code ssh/} are left for the stack to
 * create, as Compose does.
 */
final class ProjectFolder {

    /** The seccomp profile docker-compose.yml gives the agents that run tools, relative to the project. */
    static final String SECCOMP_PROFILE = "docker/seccomp-bwrap.json";

    private final Path root;

    private ProjectFolder(Path root) {
        this.root = root;
    }

    /** Replaces {@code root} with a fresh copy of the repository's folders. */
    static ProjectFolder create(Path root, Path repo, String uid, String gid) {
        deleteRecursively(root);
        try {
            Files.createDirectories(root);
            copyTree(repo.resolve("prompts"), root.resolve("prompts"));
            copyTree(repo.resolve("docs"), root.resolve("docs"));
            copyTree(repo.resolve("generated_iac"), root.resolve("generated_iac"));
            // The committed seccomp profile the tool-running agents use (security_opt, relative to the project).
            Files.createDirectories(root.resolve("docker"));
            Files.copy(repo.resolve(SECCOMP_PROFILE), root.resolve(SECCOMP_PROFILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot lay out the project folder " + root, e);
        }
        run(List.of("chown", "-R", uid + ":" + gid, root.resolve("docs").toString(),
                root.resolve("generated_iac").toString()));
        return new ProjectFolder(root);
    }

    Path root() {
        return root;
    }

    Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** Writes {@code .env} (what a user writes from .env.template). */
    void writeDotEnv(Map<String, String> values) {
        StringBuilder text = new StringBuilder("# written by the container test\n");
        values.forEach((k, v) -> text.append(k).append('=').append(v).append('\n'));
        try {
            Files.writeString(root.resolve(".env"), text.toString(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + root.resolve(".env"), e);
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        if (!Files.isDirectory(from)) {
            Files.createDirectories(to);
            return;
        }
        Files.walkFileTree(from, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (dir.getFileName().toString().equals(".terraform")) {
                    return FileVisitResult.SKIP_SUBTREE;
                }
                Files.createDirectories(to.resolve(from.relativize(dir).toString()));
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                String name = file.getFileName().toString();
                boolean state = name.startsWith("execution_log_") || name.startsWith("conversation_")
                        || name.startsWith("terraform.tfstate") || name.endsWith(".tfplan")
                        || name.equals("known_hosts") || name.equals(".terraform.lock.hcl");
                if (!state && attrs.isRegularFile()) {
                    Files.copy(file, to.resolve(from.relativize(file).toString()), StandardCopyOption.REPLACE_EXISTING);
                }
                return FileVisitResult.CONTINUE;
            }
        });
    }

    static void deleteRecursively(Path root) {
        if (Files.exists(root)) {
            run(List.of("rm", "-rf", "--one-file-system", root.toString()));
        }
    }

    private static void run(List<String> command) {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(2, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed: " + out);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("could not run " + command, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted: " + command, e);
        }
    }
}
