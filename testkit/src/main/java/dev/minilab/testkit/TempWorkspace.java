package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A temporary MiniLab workspace with the standard folders ({@code generated_iac/infra}, {@code generated_iac/config},
 * {@code docs}, {@code tmp}, {@code prompts}); closing deletes it with everything inside.
 */
public final class TempWorkspace implements AutoCloseable {

    private final Path root;

    private TempWorkspace(Path root) {
        this.root = root;
    }

    /** Creates a workspace under the system temp dir. */
    public static TempWorkspace create() {
        return create("minilab-ws-");
    }

    /** Creates a workspace under the system temp dir whose folder name starts with {@code prefix}. */
    public static TempWorkspace create(String prefix) {
        try {
            Path root = Files.createTempDirectory(prefix).toRealPath();
            TempWorkspace workspace = new TempWorkspace(root);
            for (Path dir : new Path[] {workspace.infra(), workspace.config(), workspace.docs(), workspace.tmp(),
                    workspace.prompts()}) {
                Files.createDirectories(dir);
            }
            return workspace;
        } catch (IOException e) {
            throw new UncheckedIOException("Could not create a temporary workspace: " + e.getMessage(), e);
        }
    }

    /** Returns the workspace root (a real path, symlinks resolved). */
    public Path root() {
        return root;
    }

    /** Returns {@code generated_iac}. */
    public Path generatedIac() {
        return root.resolve("generated_iac");
    }

    /** Returns {@code generated_iac/infra} (Terraform). */
    public Path infra() {
        return generatedIac().resolve("infra");
    }

    /** Returns {@code generated_iac/config} (Ansible). */
    public Path config() {
        return generatedIac().resolve("config");
    }

    public Path docs() {
        return root.resolve("docs");
    }

    public Path tmp() {
        return root.resolve("tmp");
    }

    public Path prompts() {
        return root.resolve("prompts");
    }

    /** Resolves a path relative to the root. */
    public Path resolve(String relative) {
        return root.resolve(relative);
    }

    /** Writes {@code content} (UTF-8) to a path relative to the root, creating parent folders; returns the path. */
    public Path write(String relative, String content) {
        Path file = resolve(relative);
        try {
            Files.createDirectories(file.getParent());
            return Files.writeString(file, content, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("Could not write " + file, e);
        }
    }

    /** Deletes the workspace and everything in it. */
    @Override
    public void close() {
        Dirs.deleteRecursively(root);
    }

    @Override
    public String toString() {
        return "TempWorkspace[" + root + "]";
    }
}
