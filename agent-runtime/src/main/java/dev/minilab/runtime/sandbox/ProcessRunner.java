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
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs every subprocess of every tool: one place for isolation, timeouts, STOP, tree kill and output caps.
 *
 * <p>Each child runs under the runner's {@link Isolation} with the runner's {@link SandboxView} (what the tool may
 * see), in its own session (through {@code setsid} when present), with stdin from {@code /dev/null} and exactly the
 * env of the request. On timeout or cancellation the whole tree is killed ({@link RunningProcess#kill()}); under
 * bwrap that is the whole PID namespace, so even processes that left the session die. A request with an
 * {@link ExecRequest#interruptGrace() interrupt grace} first gets one SIGINT and that long to end by itself
 * ({@link RunningProcess#interrupt(Duration)}). Background children still alive when the main process ends are
 * killed the same way, so nothing a tool started outlives the call. {@link #run} never throws for a failing command;
 * it throws {@link MiniLabException} only when the executable cannot be started.
 */
public final class ProcessRunner {

    private static final Logger LOG = LoggerFactory.getLogger(ProcessRunner.class);
    private static final Duration DRAIN_AFTER_EXIT = Duration.ofSeconds(2);
    private static final String SETSID = findOn("setsid", "/usr/bin:/bin");
    /**
     * {@code env --default-signal=INT} when this JVM was started with SIGINT ignored (as everything a script starts
     * with {@code &} is, e.g. the agents of {@code ./minilab up}), else empty. Children inherit an ignored signal, and
     * a shell's trap or Python's KeyboardInterrupt then never sees the SIGINT of STOP: the grace is wasted and the
     * process killed. Resetting it gives the child what a terminal would.
     */
    private static final List<String> DEFAULT_INT = defaultInterruptPrefix();
    /** How often a waiting call looks at STOP when the process has an interrupt grace (STOP then acts here). */
    private static final Duration STOP_POLL = Duration.ofMillis(50);

    private final Isolation isolation;
    private final SandboxView view;

    /**
     * A runner without isolation and without a view: for tests and for processes that run no untrusted input. Tools
     * get their runner from the toolbox, confined.
     */
    public ProcessRunner() {
        this(Isolation.none(), null);
    }

    private ProcessRunner(Isolation isolation, SandboxView view) {
        this.isolation = Objects.requireNonNull(isolation, "isolation");
        this.view = view;
    }

    /** A runner whose processes run under {@code isolation} and see {@code view}. */
    public static ProcessRunner confined(Isolation isolation, SandboxView view) {
        return new ProcessRunner(isolation, Objects.requireNonNull(view, "view"));
    }

    /** The same isolation with another view (e.g. with one more read-only file for one tool). */
    public ProcessRunner withView(SandboxView newView) {
        return new ProcessRunner(isolation, Objects.requireNonNull(newView, "view"));
    }

    public Isolation isolation() {
        return isolation;
    }

    /** The view of this runner's processes; empty for an unconfined runner. */
    public java.util.Optional<SandboxView> view() {
        return java.util.Optional.ofNullable(view);
    }

    /**
     * Starts {@code request} and returns at once. The caller must end it: wait for it, or {@link RunningProcess#kill()}
     * / {@link RunningProcess#interrupt(Duration)} it.
     *
     * @throws MiniLabException when the executable cannot be found or started
     */
    public RunningProcess start(ExecRequest request) {
        return start(request, ProcessBuilder.Redirect.PIPE);
    }

    private RunningProcess start(ExecRequest request, ProcessBuilder.Redirect output) {
        List<String> command = new ArrayList<>(request.command());
        command.set(0, resolveExecutable(command.getFirst(), request.env()));
        Isolation.Prepared prepared = view == null ? new Isolation.Prepared(command, request.env())
                : isolation.prepare(command, request.workingDirectory(), request.env(), view);
        List<String> full = new ArrayList<>(DEFAULT_INT);
        full.addAll(prepared.command());
        if (SETSID != null) {
            full.addFirst(SETSID);
        }
        ProcessBuilder builder = new ProcessBuilder(full)
                .directory(request.workingDirectory().toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .redirectOutput(output).redirectError(output);
        builder.environment().clear();
        builder.environment().putAll(prepared.env());
        try {
            return new RunningProcess(builder.start(), view == null ? Isolation.none() : isolation, SETSID != null);
        } catch (IOException e) {
            throw new MiniLabException("could not start " + request.command().getFirst() + ": " + e.getMessage());
        }
    }

    /**
     * Runs {@code request}; a cancelled {@code cancellation} kills the tree within milliseconds, or, when the request
     * has an interrupt grace, interrupts it and kills it when the grace is over.
     */
    public ExecResult run(ExecRequest request, Cancellation cancellation) {
        if (cancellation.isCancelled()) {
            return new ExecResult(130, "", "", Duration.ZERO, false, true);
        }
        long start = System.nanoTime();
        RunningProcess running = start(request);
        Process process = running.process();
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
                running.kill(); // at once, on the STOP thread: STOP ends such a tool within milliseconds
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
                stopEarly(running, request);
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        awaitExit(process, Duration.ofSeconds(5));
        running.kill(); // background children left behind would hold the pipes open and outlive the call
        if (!join(outPump) | !join(errPump)) {
            process.destroyForcibly(); // closes the pipes so the pumps end; a descendant escaped the group
        }
        int exit = process.isAlive() ? 137 : process.exitValue();
        Duration duration = Duration.ofNanos(System.nanoTime() - start);
        return new ExecResult(exit, out.toString(), err.toString(), duration, timedOut, cancelled.get());
    }

    /**
     * Ends a run that must stop early (STOP or its timeout): a request with an interrupt grace (terraform: state and
     * lock must be written) gets one SIGINT and that long to end by itself, then the tree is killed; any other
     * request is killed at once.
     */
    private static void stopEarly(RunningProcess running, ExecRequest request) {
        if (request.interruptGrace().isZero()) {
            running.kill();
        } else {
            running.interrupt(request.interruptGrace());
        }
    }

    private static void awaitExit(Process process, Duration atMost) {
        try {
            process.waitFor(atMost.toNanos(), TimeUnit.NANOSECONDS);
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

    private static List<String> defaultInterruptPrefix() {
        if (!interruptIgnored()) {
            return List.of();
        }
        String env = findOn("env", "/usr/bin:/bin");
        List<String> prefix = env == null ? List.of() : List.of(env, "--default-signal=INT");
        boolean works = false;
        if (env != null) {
            try {
                Process probe = new ProcessBuilder(env, "--default-signal=INT", "true")
                        .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
                works = probe.waitFor(10, TimeUnit.SECONDS) && probe.exitValue() == 0;
            } catch (IOException e) {
                works = false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!works) {
            LOG.warn("This process was started with SIGINT ignored and env --default-signal is missing (coreutils "
                    + "8.31+): on STOP, commands that clean up on SIGINT (a shell's trap) are killed after "
                    + "their grace instead. Start MiniLab from a terminal, or install GNU coreutils");
            return List.of();
        }
        return prefix;
    }

    /** Whether SIGINT (signal 2) is in this process's ignored set, as Linux reports it in /proc/self/status. */
    static boolean interruptIgnored() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("SigIgn:")) {
                    return (Long.parseUnsignedLong(line.substring(7).strip(), 16) & 0b10) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            LOG.debug("Cannot read the ignored signals from /proc/self/status: {}", e.toString());
        }
        return false;
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

    @Override
    public String toString() {
        return "ProcessRunner[" + isolation.name() + (view == null ? ", unconfined" : "") + "]";
    }
}
