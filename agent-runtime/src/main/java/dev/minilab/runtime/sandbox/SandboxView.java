package dev.minilab.runtime.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What one tool's processes may see when they run under kernel isolation: the workspace (read-only or writable),
 * whether they have a network, what is hidden in it, and what extra paths this tool alone needs.
 *
 * <p>Everything not listed is absent: the system folders ({@code /usr}, {@code /etc} without its secrets,
 * {@code /opt}, the folders of {@code PATH}) are mounted read-only, {@code /tmp} and the home folder are fresh and
 * empty, and nothing else of the host (other homes, {@code /root}, {@code /var}, {@code /run}, the agent's own
 * {@code /proc}) exists.
 *
 * @param workspace          the workspace root, mounted at its own path
 * @param workspaceWritable  whether the processes may write in the workspace
 * @param network            whether the processes share the host's network (false: a private, empty network)
 * @param hidden             files and folders inside the visible tree that read as unreadable (a file) or empty (a
 *                           folder): {@code keys/}, the SSH key. Paths that do not exist are skipped.
 * @param hiddenNames        file names hidden wherever they are in the workspace, looked up at each start
 *                           ({@code .env})
 * @param readOnly           paths inside a writable workspace that stay read-only (known_hosts, MiniLab's state)
 * @param extraReadOnly      paths outside the workspace this tool alone needs, mounted read-only at their own path
 *                           (the SSH key for ansible, a CA file for terraform)
 * @param extraWritable      paths this tool alone may write (terraform's plan store)
 * @param homeFiles          names inside the agent's home folder (e.g. {@code .terraform.d}) copied read-only into the
 *                           sandbox's home for tools that read their settings there
 * @param stubbedCommands    executables replaced by a stub that says which tool to use instead (e.g.
 *                           {@code terraform} inside run_shell)
 */
public record SandboxView(Path workspace, boolean workspaceWritable, boolean network, List<Path> hidden,
                          Set<String> hiddenNames, List<Path> readOnly, List<Path> extraReadOnly, List<Path> extraWritable,
                          List<String> homeFiles, Set<String> stubbedCommands) {

    public SandboxView {
        Objects.requireNonNull(workspace, "workspace");
        workspace = workspace.toAbsolutePath().normalize();
        hidden = List.copyOf(hidden);
        hiddenNames = Set.copyOf(hiddenNames);
        readOnly = List.copyOf(readOnly);
        extraReadOnly = List.copyOf(extraReadOnly);
        extraWritable = List.copyOf(extraWritable);
        homeFiles = List.copyOf(homeFiles);
        stubbedCommands = Set.copyOf(stubbedCommands);
    }

    /** A read-only view of {@code workspace} without network and nothing hidden yet. */
    public static SandboxView readOnlyWorkspace(Path workspace) {
        return new SandboxView(workspace, false, false, List.of(), Set.of(), List.of(), List.of(), List.of(), List.of(),
                Set.of());
    }

    /** A writable view of {@code workspace} with the host's network. */
    public static SandboxView writableWorkspace(Path workspace) {
        return new SandboxView(workspace, true, true, List.of(), Set.of(), List.of(), List.of(), List.of(), List.of(), Set.of());
    }

    public SandboxView withNetwork(boolean on) {
        return new SandboxView(workspace, workspaceWritable, on, hidden, hiddenNames, readOnly, extraReadOnly, extraWritable,
                homeFiles, stubbedCommands);
    }

    public SandboxView hiding(List<Path> paths) {
        return new SandboxView(workspace, workspaceWritable, network, concat(hidden, paths), hiddenNames, readOnly, extraReadOnly,
                extraWritable, homeFiles, stubbedCommands);
    }

    public SandboxView hidingNames(Set<String> names) {
        java.util.Set<String> all = new java.util.TreeSet<>(hiddenNames);
        all.addAll(names);
        return new SandboxView(workspace, workspaceWritable, network, hidden, all, readOnly, extraReadOnly,
                extraWritable, homeFiles, stubbedCommands);
    }

    public SandboxView keepingReadOnly(List<Path> paths) {
        return new SandboxView(workspace, workspaceWritable, network, hidden, hiddenNames, concat(readOnly, paths), extraReadOnly,
                extraWritable, homeFiles, stubbedCommands);
    }

    public SandboxView withReadOnly(List<Path> paths) {
        return new SandboxView(workspace, workspaceWritable, network, hidden, hiddenNames, readOnly, concat(extraReadOnly, paths),
                extraWritable, homeFiles, stubbedCommands);
    }

    public SandboxView withWritable(List<Path> paths) {
        return new SandboxView(workspace, workspaceWritable, network, hidden, hiddenNames, readOnly, extraReadOnly,
                concat(extraWritable, paths), homeFiles, stubbedCommands);
    }

    public SandboxView withHomeFiles(List<String> names) {
        return new SandboxView(workspace, workspaceWritable, network, hidden, hiddenNames, readOnly, extraReadOnly, extraWritable,
                concat(homeFiles, names), stubbedCommands);
    }

    public SandboxView stubbing(Set<String> commands) {
        java.util.Set<String> all = new java.util.TreeSet<>(stubbedCommands);
        all.addAll(commands);
        return new SandboxView(workspace, workspaceWritable, network, hidden, hiddenNames, readOnly, extraReadOnly, extraWritable,
                homeFiles, all);
    }

    /** Whether {@code path} is hidden in this view (it or a folder above it is listed in {@link #hidden}). */
    public boolean hides(Path path) {
        Path p = path.toAbsolutePath().normalize();
        return hidden.stream().map(h -> h.toAbsolutePath().normalize()).anyMatch(p::startsWith);
    }

    private static <T> List<T> concat(List<T> a, List<T> b) {
        java.util.List<T> all = new java.util.ArrayList<>(a);
        all.addAll(b);
        return all;
    }
}
