package dev.minilab.runtime.sandbox;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A process tree the {@link ProcessRunner} started, with the two ways to end it early.
 *
 * <p>{@link #kill()} is the hard stop: SIGKILL to the process group, the root and every descendant. Under a
 * namespaced {@link Isolation} the root is the sandbox, and its death makes the kernel kill every process in the PID
 * namespace, including those that left the session. {@link #interrupt(Duration)} is the graceful stop: SIGINT to
 * the processes the command started (inside the sandbox, the signal must go to them: signalling the sandbox itself
 * would not reach them, and ending it kills them at once), then up to {@code grace} for the command to exit on its
 * own, then {@link #kill()}.
 */
public final class RunningProcess {

    private static final Logger LOG = LoggerFactory.getLogger(RunningProcess.class);

    private final Process process;
    private final Isolation isolation;
    private final String sandboxExecutable;
    private final boolean ownGroup;

    RunningProcess(Process process, Isolation isolation, boolean ownGroup) {
        this.process = process;
        this.isolation = isolation;
        this.sandboxExecutable = isolation instanceof Bwrap bwrap ? bwrap.executable().toString() : null;
        this.ownGroup = ownGroup;
    }

    /** The started process: the sandbox itself under isolation, else the command. */
    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /**
     * The processes of the command, without the sandbox's own: what a terminal's Ctrl-C would reach. Under bwrap
     * these are the descendants of the PID namespace's init (bwrap's own child); without isolation, the command and
     * its descendants.
     */
    public List<ProcessHandle> commandProcesses() {
        if (sandboxExecutable == null) {
            return java.util.stream.Stream.concat(java.util.stream.Stream.of(process.toHandle()),
                    process.descendants()).filter(ProcessHandle::isAlive).toList();
        }
        return process.descendants().filter(p -> !isSandboxProcess(p)).filter(ProcessHandle::isAlive).toList();
    }

    private boolean isSandboxProcess(ProcessHandle p) {
        Optional<String> command = p.info().command();
        // The sandbox's own processes are the root and the namespace's init, both the bwrap executable; the init is
        // the root's only child.
        return p.parent().map(parent -> parent.pid() == process.pid()).orElse(false)
                && command.map(c -> c.equals(sandboxExecutable) || c.endsWith("/bwrap")).orElse(true);
    }

    /**
     * Sends SIGINT to every process of the command, waits up to {@code grace} for the command to end, then kills
     * what is left.
     *
     * @return true when the command ended within the grace period (nothing had to be killed)
     */
    public boolean interrupt(Duration grace) {
        List<ProcessHandle> targets = commandProcesses();
        if (!targets.isEmpty()) {
            signal("INT", targets.stream().map(p -> String.valueOf(p.pid())).toList());
        }
        boolean ended = waitThroughInterrupts(grace);
        if (!ended) {
            LOG.warn("Process tree {} did not end within {} s after SIGINT; killing it", process.pid(),
                    grace.toSeconds());
        }
        kill(); // whatever the command left running in the background does not outlive the call
        return ended;
    }

    /**
     * Waits up to {@code limit} for the process to end, even when this thread is interrupted meanwhile (the grace is
     * what keeps terraform's state and lock intact), and keeps the thread's interrupt status.
     */
    private boolean waitThroughInterrupts(Duration limit) {
        boolean interrupted = Thread.interrupted();
        long deadline = System.nanoTime() + limit.toNanos();
        try {
            while (true) {
                try {
                    return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true;
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the whole tree at once (SIGKILL); under a PID namespace nothing started inside survives. */
    public void kill() {
        List<ProcessHandle> descendants = process.descendants().toList();
        if (ownGroup) {
            // The root called setsid, so its pid is its process group id; kill the whole group at once.
            signal("KILL", List.of("-" + process.pid()));
        }
        // Kill through the handle: Process.destroyForcibly() would also close our ends of the pipes and lose output
        // that is written but not yet read.
        process.toHandle().destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }

    private static void signal(String signal, List<String> targets) {
        List<String> command = new java.util.ArrayList<>(List.of("kill", "-" + signal, "--"));
        command.addAll(targets);
        try {
            new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("Could not run kill -{} for {}: {}", signal, targets, e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "RunningProcess[" + process.pid() + ", " + isolation.name() + "]";
    }
}
