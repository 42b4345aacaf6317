package dev.minilab.runtime.sandbox;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every subprocess of every tool: one place for timeouts, STOP, tree kill and output caps.
 *
 * <p>Each child starts in its own session and process group (through {@code setsid} when present), with stdin from
 * {@code /dev/null} and exactly the env of the request. On timeout or cancellation the whole group is killed with
 * SIGKILL and every descendant found by the JVM is killed too; a request with an
 * {@link ExecRequest#interruptGrace() interrupt grace} first gets one SIGINT and that long to end by itself.
 * Background children still alive when the main process ends are killed the same way, so nothing a tool started
 * outlives the call. {@link #run} never throws for a failing
 * command; it throws {@link MiniLabException} only when the executable cannot be started.
 */
public final class ProcessRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);
    /** How often a waiting call looks at STOP when the process has an interrupt grace (STOP then acts here). */
    private static final Duration STOP_POLL = Duration.ofMillis(50);

    private final String setsid;

    /** A runner that uses {@code setsid} from the usual places when it exists. */
    public ProcessRunner() {
        this.setsid = findOn("setsid", "/usr/bin:/bin");
    }

    /**
     * Runs {@code request}; a cancelled {@code cancellation} kills the tree within milliseconds, or, when the request
     * has an interrupt grace, interrupts it and kills it when the grace is over.
     */
    public ExecResult run(ExecRequest request, Cancellation cancellation) {
        List<String> command = new ArrayList<>(request.command());
        command.set(0, resolveExecutable(command.getFirst(), request.env()));
        if (setsid != null) {
            command.addFirst(setsid);
        }
        ProcessBuilder builder = new ProcessBuilder(command)
                .directory(request.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
        builder.environment().clear();
        builder.environment().putAll(request.env());

        if (cancellation.isCancelled()) {
            return new ExecResult(130, "", "", Duration.ZERO, false, true);
        }
        long start = System.nanoTime();
        Process process;
        try {
            process = builder.start();
        } catch (IOException e) {
            throw new MiniLabException("could not start " + request.command().getFirst() + ": " + e.getMessage());
        }
        CappedBuffer out = new CappedBuffer(request.outputCapBytes());
        CappedBuffer err = new CappedBuffer(request.outputCapBytes());
        Thread outPump = out.fillFrom(process.getInputStream());
        Thread errPump = err.fillFrom(process.getErrorStream());
        AtomicBoolean cancelled = new AtomicBoolean();
        boolean timedOut = false;
        boolean interrupted = false;
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> {
            cancelled.set(true);
            if (request.interruptGrace().isZero()) {
                killTree(process); // at once, on the STOP thread: STOP ends such a tool within milliseconds
            }
        })) {
            long deadline = System.nanoTime() + request.timeout().toNanos();
            try {
                // Process.onExit() completes on the common pool, which a busy caller can starve: wait here instead.
                while (!process.waitFor(Math.min(STOP_POLL.toNanos(), Math.max(1, deadline - System.nanoTime())),
                        TimeUnit.NANOSECONDS) && !cancelled.get()) {
                    if (System.nanoTime() - deadline >= 0) {
                        timedOut = true;
                        break;
                    }
                }
            } catch (InterruptedException e) {
                interrupted = true;
                cancelled.set(true);
            }
            if (process.isAlive()) {
                interruptThenWait(process, request.interruptGrace());
                killTree(process);
                waitQuietly(process, Duration.ofSeconds(5));
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        killTree(process); // background children left behind would hold the pipes open and outlive the call
        if (!join(outPump) | !join(errPump)) {
            process.destroyForcibly(); // closes the pipes so the pumps end; a descendant escaped the group
        }
        int exit = process.isAlive() ? 137 : process.exitValue();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        return new ExecResult(exit, out.toString(), err.toString(), duration, timedOut, cancelled.get());
    }

    /**
     * Gives a process that must not die mid-write (terraform: state, lock) one SIGINT, as Ctrl-C in a terminal would,
     * and waits up to {@code grace} for it to end by itself. Only one interrupt is sent: terraform treats a second one
     * as "exit immediately, data loss may occur". Nothing happens when {@code grace} is zero.
     */
    private void interruptThenWait(Process process, Duration grace) {
        if (grace.isZero() || !process.isAlive()) {
            return;
        }
        signalGroup(process, "INT");
        if (!waitQuietly(process, grace)) {
            LOG.warn("{} (pid {}) did not end within {} after SIGINT; killing its process tree. Check what it was "
                    + "doing (for terraform: the state file and a left-over lock)", process.info().command()
                    .orElse("process"), process.pid(), grace);
        }
    }

    /** Waits for {@code process} to end, keeping the thread's interrupt status; true when it ended. */
    private static boolean waitQuietly(Process process, Duration limit) {
        boolean interrupted = Thread.interrupted();
        try {
            long deadline = System.nanoTime() + limit.toNanos();
            while (true) {
                try {
                    return process.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // the grace is what keeps terraform's state intact: finish waiting
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Kills the process group of {@code process} and every descendant the JVM can see. */
    private void killTree(Process process) {
        List<ProcessHandle> descendants = process.descendants().toList();
        signalGroup(process, "KILL");
        // Kill through the handle: Process.destroyForcibly() would also close our ends of the pipes and lose output
        // that is written but not yet read.
        process.toHandle().destroyForcibly();
        descendants.forEach(ProcessHandle::destroyForcibly);
    }


    /** Sends {@code signal} to the process group of {@code process} (its pid: the child called setsid). */
    private void signalGroup(Process process, String signal) {
        String target = setsid != null ? "-" + process.pid() : Long.toString(process.pid());
        try {
            new ProcessBuilder("kill", "-" + signal, "--", target)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start()
                    .waitFor(2, TimeUnit.SECONDS);
        } catch (IOException e) {
            LOG.warn("Could not run kill -{} for process group {}; falling back to the JVM's process handles",
                    signal, process.pid(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits for a pump to reach end of stream; false when it did not within {@link #DRAIN_AFTER_EXIT}. */
    private static boolean join(Thread thread) {
        try {
            if (!thread.join(DRAIN_AFTER_EXIT)) {
                LOG.warn("Output of a finished process was still open after {}; a descendant escaped the process "
                        + "group. The rest of its output is dropped.", DRAIN_AFTER_EXIT);
                return false;
            }
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Looks a bare executable name up on the env's PATH (not the agent's), so children see what the env says. */
    static String resolveExecutable(String executable, Map<String, String> env) {
        if (executable.contains("/")) {
            return executable;
        }
        String found = findOn(executable, env.getOrDefault("PATH", ChildEnvironment.DEFAULT_PATH));
        if (found == null) {
            throw new MiniLabException("'" + executable + "' is not installed (not found on PATH "
                    + env.getOrDefault("PATH", ChildEnvironment.DEFAULT_PATH) + "); install it or ask the user to");
        }
        return found;
    }

    private static String findOn(String name, String path) {
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isBlank()) {
                continue;
            }
            Path candidate = Path.of(dir, name);
            if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        return null;
    }
}
