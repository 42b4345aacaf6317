package dev.minilab.runtime.sandbox;

import dev.minilab.runtime.MiniLabException;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Kernel isolation through bubblewrap: every call gets a fresh PID namespace (with its own {@code /proc}, so the
 * agent JVM and its environment are invisible and killing the sandbox ends every descendant), mount, IPC and UTS
 * namespaces, a new session, no capabilities, death with its parent, and a private network unless the view asks for
 * the host's. The file system is built from the {@link SandboxView}: system folders read-only, the workspace
 * read-only or writable, fresh {@code /tmp} and home, secrets hidden, nothing else of the host.
 */
public final class Bwrap implements Isolation {

    /** System folders every sandbox sees read-only (symlinks, as in merged-/usr systems, are recreated). */
    private static final List<String> SYSTEM_ROOTS = List.of("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
            "/libx32", "/etc", "/opt");
    /** Files of {@code /etc} that hold secrets: unreadable inside. */
    private static final List<String> SYSTEM_SECRETS = List.of("/etc/shadow", "/etc/shadow-", "/etc/gshadow",
            "/etc/gshadow-", "/etc/ssh/ssh_host_rsa_key", "/etc/ssh/ssh_host_ecdsa_key", "/etc/ssh/ssh_host_ed25519_key",
            "/etc/ssh/ssh_host_dsa_key", "/etc/ssl/private", "/etc/security/opasswd", "/etc/sudoers",
            "/etc/sudoers.d", "/etc/credstore", "/etc/credstore.encrypted");
    /** Files of {@code /etc} that may be symlinks into {@code /run} (systemd-resolved): their targets are bound. */
    private static final List<String> SYSTEM_LINKS = List.of("/etc/resolv.conf", "/etc/hosts");
    /** The home folder of sandboxed processes when the agent's home is outside the workspace. */
    static final String SANDBOX_HOME = "/tmp/minilab-home";
    /** Where the commands replaced by stubs point the model, by executable name. */
    private static final Map<String, String> STUB_ADVICE = Map.ofEntries(
            Map.entry("terraform", "run_terraform"), Map.entry("tofu", "run_terraform"),
            Map.entry("ansible", "run_ansible"), Map.entry("ansible-playbook", "run_ansible"),
            Map.entry("ansible-console", "run_ansible"), Map.entry("ansible-pull", "run_ansible"),
            Map.entry("ssh", "run_ssh"), Map.entry("scp", "run_ssh"), Map.entry("sftp", "run_ssh"));

    private final Path executable;
    private final Object stubLock = new Object();
    private Path stubDirectory;

    /** Isolation through the bwrap executable at {@code executable}. */
    public Bwrap(Path executable) {
        this.executable = Objects.requireNonNull(executable, "executable");
    }

    /** The bwrap executable on {@code path} (a PATH-style list), if there is one. */
    public static java.util.Optional<Path> find(String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank()) {
                Path candidate = Path.of(dir, "bwrap");
                if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                    return java.util.Optional.of(candidate);
                }
            }
        }
        return java.util.Optional.empty();
    }

    public Path executable() {
        return executable;
    }

    @Override
    public String name() {
        return "bwrap";
    }

    @Override
    public boolean namespaced() {
        return true;
    }

    @Override
    public Prepared prepare(List<String> command, Path workingDirectory, Map<String, String> env, SandboxView view) {
        List<String> args = new ArrayList<>(List.of(executable.toString(), "--die-with-parent", "--new-session",
                "--unshare-pid", "--unshare-ipc", "--unshare-uts", "--unshare-cgroup-try", "--cap-drop", "ALL"));
        if (!view.network()) {
            args.add("--unshare-net");
        }
        args.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--tmpfs", "/tmp"));
        Mounts mounts = new Mounts(args);
        for (String root : SYSTEM_ROOTS) {
            mounts.system(Path.of(root));
        }
        for (String secret : SYSTEM_SECRETS) {
            mounts.hide(Path.of(secret));
        }
        for (String link : SYSTEM_LINKS) {
            mounts.linkTarget(Path.of(link));
        }
        String path = env.getOrDefault("PATH", ChildEnvironment.DEFAULT_PATH);
        for (String dir : path.split(File.pathSeparator)) {
            if (!dir.isBlank() && Path.of(dir).isAbsolute()) {
                mounts.readOnlyOutsideWorkspace(Path.of(dir), view.workspace());
            }
        }
        Path program = Path.of(command.getFirst());
        if (program.isAbsolute()) {
            mounts.readOnlyOutsideWorkspace(program.getParent(), view.workspace());
            mounts.readOnlyOutsideWorkspace(realPath(program).getParent(), view.workspace());
        }

        Map<String, String> childEnv = new LinkedHashMap<>(env);
        Path realHome = env.containsKey("HOME") ? Path.of(env.get("HOME")).toAbsolutePath().normalize() : null;
        boolean homeInWorkspace = realHome != null && realHome.startsWith(view.workspace());
        if (!homeInWorkspace) {
            childEnv.put("HOME", SANDBOX_HOME);
            args.addAll(List.of("--dir", SANDBOX_HOME));
        }
        childEnv.put("TMPDIR", "/tmp");

        args.addAll(List.of(view.workspaceWritable() ? "--bind" : "--ro-bind", view.workspace().toString(),
                view.workspace().toString()));
        mounts.covered.add(view.workspace());
        for (Path p : view.readOnly()) {
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
                args.addAll(List.of("--ro-bind", p.toString(), p.toString()));
            }
        }
        for (Path p : view.extraReadOnly()) {
            if (Files.exists(p)) {
                args.addAll(List.of("--ro-bind", p.toString(), p.toString()));
                mounts.covered.add(p);
            }
        }
        for (Path p : view.extraWritable()) {
            if (Files.exists(p)) {
                args.addAll(List.of("--bind", p.toString(), p.toString()));
                mounts.covered.add(p);
            }
        }
        if (realHome != null && !homeInWorkspace) {
            for (String name : view.homeFiles()) {
                Path source = realHome.resolve(name);
                if (Files.exists(source)) {
                    args.addAll(List.of("--ro-bind", source.toString(), SANDBOX_HOME + "/" + name));
                }
            }
        }
        for (Path p : view.hidden()) {
            mounts.hideInside(p, view);
        }
        for (Path p : named(view.workspace(), view.hiddenNames())) {
            mounts.hideInside(p, view);
        }
        for (String name : view.stubbedCommands()) {
            for (Path target : locations(name, path)) {
                args.addAll(List.of("--ro-bind", stub(name).toString(), target.toString()));
            }
        }
        args.addAll(List.of("--chdir", workingDirectory.toAbsolutePath().normalize().toString(), "--"));
        args.addAll(command);
        return new Prepared(args, childEnv);
    }

    /** The mount arguments being built and which host folders they already cover. */
    private static final class Mounts {
        final List<String> args;
        final Set<Path> covered = new LinkedHashSet<>();

        Mounts(List<String> args) {
            this.args = args;
        }

        void system(Path root) {
            if (Files.isSymbolicLink(root)) {
                try {
                    args.addAll(List.of("--symlink", Files.readSymbolicLink(root).toString(), root.toString()));
                } catch (IOException e) {
                    throw new MiniLabException("cannot read the symlink " + root + ": " + e.getMessage());
                }
            } else if (Files.isDirectory(root)) {
                args.addAll(List.of("--ro-bind", root.toString(), root.toString()));
                covered.add(root);
            }
        }

        boolean isCovered(Path p) {
            Path real = realPath(p);
            return covered.stream().anyMatch(c -> p.startsWith(c) || real.startsWith(c));
        }

        void readOnlyOutsideWorkspace(Path dir, Path workspace) {
            if (dir == null || !Files.isDirectory(dir) || dir.startsWith(workspace) || isCovered(dir)) {
                return;
            }
            Path real = realPath(dir);
            args.addAll(List.of("--ro-bind", real.toString(), dir.toString()));
            covered.add(dir);
        }

        void linkTarget(Path link) {
            if (Files.isSymbolicLink(link)) {
                Path target = realPath(link);
                if (Files.isRegularFile(target) && !isCovered(target)) {
                    args.addAll(List.of("--ro-bind", target.toString(), target.toString()));
                }
            }
        }

        void hide(Path p) {
            if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                args.addAll(List.of("--tmpfs", p.toString(), "--remount-ro", p.toString()));
            } else if (Files.exists(p, LinkOption.NOFOLLOW_LINKS) && !Files.isSymbolicLink(p)) {
                args.addAll(List.of("--ro-bind", "/dev/null", p.toString()));
            }
        }

        /** Hides {@code p} when it is visible: a symlink is hidden at its target when that is visible too. */
        void hideInside(Path p, SandboxView view) {
            Path abs = p.toAbsolutePath().normalize();
            if (Files.isSymbolicLink(abs)) {
                Path target = realPath(abs);
                if (!target.equals(abs) && Files.exists(target) && isCovered(target)) {
                    hide(target);
                }
                return;
            }
            if (isCovered(abs)) {
                hide(abs);
            }
        }
    }

    /** Folders never searched for hidden names: big, tool-owned, and not where secrets are put. */
    private static final Set<String> SKIPPED_FOLDERS = Set.of(".terraform", ".git", "node_modules", ".minilab");
    private static final int MAX_DEPTH = 8;

    /** Files in {@code workspace} (not below {@link #MAX_DEPTH}) whose name is one of {@code names}. */
    private static List<Path> named(Path workspace, Set<String> names) {
        if (names.isEmpty() || !Files.isDirectory(workspace)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try {
            Files.walkFileTree(workspace, java.util.EnumSet.noneOf(java.nio.file.FileVisitOption.class), MAX_DEPTH,
                    new java.nio.file.SimpleFileVisitor<>() {
                        @Override
                        public java.nio.file.FileVisitResult preVisitDirectory(Path dir,
                                java.nio.file.attribute.BasicFileAttributes attrs) {
                            return !dir.equals(workspace) && SKIPPED_FOLDERS.contains(dir.getFileName().toString())
                                    ? java.nio.file.FileVisitResult.SKIP_SUBTREE : java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFile(Path file,
                                java.nio.file.attribute.BasicFileAttributes attrs) {
                            if (names.contains(file.getFileName().toString())) {
                                found.add(file);
                            }
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }

                        @Override
                        public java.nio.file.FileVisitResult visitFileFailed(Path file, IOException e) {
                            return java.nio.file.FileVisitResult.CONTINUE;
                        }
                    });
        } catch (IOException e) {
            throw new MiniLabException("cannot search the workspace for files to hide: " + e.getMessage());
        }
        return found;
    }

    /** Every place on {@code path} (and the usual folders) where executable {@code name} is, by its real path. */
    private static List<Path> locations(String name, String path) {
        Set<Path> found = new LinkedHashSet<>();
        List<String> dirs = new ArrayList<>(List.of(path.split(File.pathSeparator)));
        dirs.addAll(List.of("/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"));
        for (String dir : dirs) {
            if (dir.isBlank() || !Path.of(dir).isAbsolute()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate)) {
                found.add(realPath(candidate));
            }
        }
        return List.copyOf(found);
    }

    private Path stub(String name) {
        synchronized (stubLock) {
            try {
                if (stubDirectory == null || !Files.isDirectory(stubDirectory)) {
                    stubDirectory = Files.createTempDirectory("minilab-sandbox-stubs",
                            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
                    stubDirectory.toFile().deleteOnExit();
                }
                Path stub = stubDirectory.resolve(name);
                if (!Files.exists(stub)) {
                    String tool = STUB_ADVICE.getOrDefault(name, "the matching MiniLab tool");
                    Files.writeString(stub, "#!/bin/sh\necho \"MiniLab: '" + name + "' cannot run inside run_shell; "
                            + "use the " + tool + " tool (it applies the allowlists, the approval gate and the "
                            + "credentials that " + name + " needs)\" >&2\nexit 126\n");
                    Files.setPosixFilePermissions(stub, PosixFilePermissions.fromString("rwxr-xr-x"));
                    stub.toFile().deleteOnExit();
                }
                return stub;
            } catch (IOException e) {
                throw new MiniLabException("cannot write the sandbox's command stubs under " + stubDirectory + ": "
                        + e.getMessage());
            }
        }
    }

    private static Path realPath(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p.toAbsolutePath().normalize();
        }
    }

    @Override
    public String toString() {
        return "Isolation[bwrap " + executable + "]";
    }
}
