package dev.minilab.console;

import dev.minilab.console.bus.ConsoleBus;
import dev.minilab.console.bus.FirstConnection;
import dev.minilab.console.bus.TeamBusConsoleBus;
import dev.minilab.console.session.ConversationLog;
import dev.minilab.runtime.bus.BusException;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.config.ConfigException;
import dev.minilab.runtime.config.MiniLabConfig;
import dev.minilab.runtime.security.SignatureGuard;

import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Entry point of the console jar.
 *
 * <pre>
 *   java -jar minilab-console.jar                  the console (interactive on a terminal, plain from a pipe)
 *   java -jar minilab-console.jar --wait-reply[=S]  from a pipe: at end of input, wait (default 600 s) for the
 *                                                  team's answer to the User before leaving
 *   java -jar minilab-console.jar logs ROLE [-f]   print / follow docs/execution_log_ROLE.md
 * </pre>
 * Exit codes: 0 normal end, 1 nothing to show ({@code logs} without a log), 2 bad usage or configuration,
 * 3 Redis unreachable (the first connection is retried for {@code REDIS_CONNECT_WAIT_SECONDS}, default 60),
 * 4 unexpected failure, 5 {@code --wait-reply} timed out.
 */
public final class ConsoleMain {

    /** Exit code when Redis cannot be reached. */
    public static final int EXIT_REDIS_UNREACHABLE = 3;
    /** Exit code for a bad argument or configuration value. */
    public static final int EXIT_USAGE = 2;
    /** How long {@code --wait-reply} waits without a number. */
    static final Duration DEFAULT_WAIT_REPLY = Duration.ofMinutes(10);
    static final String USAGE = "Usage: console [--wait-reply[=SECONDS]] | console logs <role> [-f]";

    /** Exit code for an unexpected failure (the message says what). */
    public static final int EXIT_FAILURE = 4;

    private ConsoleMain() {
    }

    public static void main(String[] args) {
        // Netty (under Lettuce) otherwise makes JDK 24+ print sun.misc.Unsafe warnings over the console.
        System.setProperty("io.netty.noUnsafe", System.getProperty("io.netty.noUnsafe", "true"));
        // Our own logging config by name: the agents jar on the classpath brings a logback.xml too, and logback
        // prints its duplicate-resource status to stdout, which is the conversation scripts read.
        System.setProperty("logback.configurationFile",
                System.getProperty("logback.configurationFile", "logback-console.xml"));
        PrintStream out = new PrintStream(new java.io.FileOutputStream(java.io.FileDescriptor.out), true, StandardCharsets.UTF_8);
        System.exit(run(Arrays.asList(args), System.getenv(), Path.of("").toAbsolutePath(), out, System.err));
    }

    /** Runs the console or a subcommand; returns the exit code. */
    static int run(List<String> args, Map<String, String> processEnv, Path currentDir, PrintStream out, PrintStream err) {
        Map<String, String> env;
        ConsoleSettings settings;
        SignatureGuard guard;
        try {
            env = MiniLabConfig.load(processEnv, currentDir);
            settings = ConsoleSettings.from(env, currentDir);
        } catch (ConfigException e) {
            err.println("minilab console: " + e.getMessage());
            return EXIT_USAGE;
        }
        if (!args.isEmpty() && args.getFirst().equals("logs")) {
            return LogsCommand.run(args.subList(1, args.size()), settings.workspace(), out, err);
        }
        Duration waitReply = null;
        for (String arg : args) {
            if (arg.equals("--wait-reply")) {
                waitReply = DEFAULT_WAIT_REPLY;
            } else if (arg.startsWith("--wait-reply=") && arg.substring(13).matches("[1-9][0-9]{0,5}")) {
                waitReply = Duration.ofSeconds(Long.parseLong(arg.substring(13)));
            } else {
                err.println("minilab console: unknown argument '" + arg + "'. " + USAGE);
                return EXIT_USAGE;
            }
        }
        try {
            guard = SignatureGuard.fromEnv(env, Message.USER);
        } catch (ConfigException e) {
            err.println("minilab console: " + e.getMessage());
            return EXIT_USAGE;
        }
        Clock clock = Clock.systemUTC();
        TeamBus teamBus;
        try {
            teamBus = FirstConnection.of(() -> TeamBus.connect(settings.busSettings(), guard),
                    settings.connectWait(), settings.redisEndpoint(), note -> {
                        err.println("minilab console: " + note);
                        err.flush();
                    }).connect();
            teamBus.adoptSessionEpoch();
        } catch (BusException e) {
            err.println("minilab console: " + e.getMessage());
            return EXIT_REDIS_UNREACHABLE;
        }
        String signing = guard.signing() ? "messages signed as User"
                : "messages NOT signed (anyone on this Redis can post as User; see ./minilab keys)";
        signing += dev.minilab.runtime.sandbox.Redactor.weakSecretWarning(env).map(w -> "\nwarning: " + w).orElse("");
        try (ConsoleBus bus = new TeamBusConsoleBus(teamBus, settings.guardrails().approver());
             ConversationLog log = ConversationLog.open(settings.workspace(), clock)) {
            boolean tty = !settings.forcePlain() && TtyProbe.interactive();
            return tty ? TerminalSession.run(settings, bus, log, clock, signing)
                    : PipeSession.run(settings, bus, log, clock, signing, waitReply, System.in, out, err);
        } catch (RuntimeException e) {
            err.println("minilab console: " + e.getMessage());
            return EXIT_FAILURE;
        }
    }
}
