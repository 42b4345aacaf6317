package dev.minilab.runtime.sandbox;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * How the {@link ProcessRunner} confines a tool's processes. {@link Bwrap} gives each call its own PID, mount, IPC
 * and (when the view says so) network namespace built from a {@link SandboxView}; {@link #none()} runs processes
 * directly, only in their own session (the explicit {@code MINILAB_SANDBOX=none}).
 */
public sealed interface Isolation permits Bwrap, Isolation.None, Isolation.Refusing {

    /** A short name for logs and the status line: {@code bwrap} or {@code none}. */
    String name();

    /**
     * Whether the process the runner starts is the root of a PID namespace: killing it ends every process started
     * inside, including those that left the process group or the session ({@code setsid}).
     */
    boolean namespaced();

    /**
     * Returns the command line and environment that run {@code command} under this isolation.
     *
     * @param command          the command with its executable already resolved to an absolute path
     * @param workingDirectory where the command runs (must be visible in {@code view})
     * @param env              the complete child environment
     */
    Prepared prepare(List<String> command, Path workingDirectory, Map<String, String> env, SandboxView view);

    /** The command line and environment to start. */
    record Prepared(List<String> command, Map<String, String> env) {
        public Prepared {
            command = List.copyOf(command);
            env = Map.copyOf(env);
        }
    }

    /** No isolation: the process runs as the agent, sees what the agent sees, and only its session is its own. */
    static Isolation none() {
        return None.INSTANCE;
    }

    /** Isolation that is required but missing: starting any process fails with {@code message}. */
    static Isolation refusing(String message) {
        return new Refusing(message);
    }

    /** Refuses to start anything (isolation required, none available). */
    record Refusing(String message) implements Isolation {
        @Override
        public String name() {
            return "unavailable";
        }

        @Override
        public boolean namespaced() {
            return false;
        }

        @Override
        public Prepared prepare(List<String> command, Path workingDirectory, Map<String, String> env,
                                SandboxView view) {
            throw new dev.minilab.runtime.MiniLabException(message);
        }
    }

    /** The explicit absence of isolation ({@code MINILAB_SANDBOX=none}). */
    final class None implements Isolation {
        static final None INSTANCE = new None();

        private None() {
        }

        @Override
        public String name() {
            return "none";
        }

        @Override
        public boolean namespaced() {
            return false;
        }

        @Override
        public Prepared prepare(List<String> command, Path workingDirectory, Map<String, String> env,
                                SandboxView view) {
            return new Prepared(command, env);
        }

        @Override
        public String toString() {
            return "Isolation[none]";
        }
    }
}
