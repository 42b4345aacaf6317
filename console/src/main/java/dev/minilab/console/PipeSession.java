package dev.minilab.console;

import dev.minilab.console.bus.ConsoleBus;
import dev.minilab.console.log.ExecutionLogReader;
import dev.minilab.console.render.PlainOutput;
import dev.minilab.console.session.ConversationLog;
import dev.minilab.console.status.StatusBoard;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;

/** The console for pipes and scripts: lines from stdin, plain {@code [Sender]: content} lines on stdout. */
final class PipeSession {

    private PipeSession() {
    }

    /** Runs until exit/quit or end of input; returns the process exit code. */
    /** Exit code when {@code --wait-reply} ran out of time before the team answered. */
    static final int EXIT_NO_REPLY = 5;

    /**
     * Runs until exit/quit or end of input; returns the process exit code. With {@code waitReply} set, end of input
     * does not end the session at once: the console keeps printing until the team answers the User's last message
     * (exit 0) or the time is up ({@value #EXIT_NO_REPLY}).
     */
    static int run(ConsoleSettings settings, ConsoleBus bus, ConversationLog log, Clock clock, String signing,
                   Duration waitReply, InputStream in, PrintStream out, PrintStream err) {
        PlainOutput output = new PlainOutput(out);
        Console console = new Console(bus, output, log, new ExecutionLogReader(settings.workspace()),
                new StatusBoard(clock), new Console.Options(true, Duration.ofSeconds(5), ZoneId.systemDefault(),
                settings.guardrails()));
        console.start();
        err.println("MiniLab console (plain mode, mode " + settings.guardrails().mode().wire() + "): connected to "
                + "Redis at " + settings.redisEndpoint()
                + "; conversation log: " + log.path());
        err.println("MiniLab console: " + signing);
        err.flush();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            boolean endOfInput = true;
            while ((line = reader.readLine()) != null) {
                if (!console.handle(line)) {
                    endOfInput = false;
                    break;
                }
            }
            if (endOfInput && waitReply != null) {
                err.println("MiniLab console: end of input; waiting up to " + waitReply.toSeconds()
                        + " s for the team's answer to the User");
                err.flush();
                if (!console.awaitReplyToUser(waitReply)) {
                    err.println("MiniLab console: no answer to the User within " + waitReply.toSeconds()
                            + " s (the team keeps working; see /status or the conversation log " + log.path() + ")");
                    out.flush();
                    return EXIT_NO_REPLY;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        out.flush();
        return 0;
    }
}
