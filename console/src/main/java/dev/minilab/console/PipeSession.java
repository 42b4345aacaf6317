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
    static int run(ConsoleSettings settings, ConsoleBus bus, ConversationLog log, Clock clock, String signing,
                   InputStream in, PrintStream out, PrintStream err) {
        PlainOutput output = new PlainOutput(out);
        Console console = new Console(bus, output, log, new ExecutionLogReader(settings.workspace()),
                new StatusBoard(clock), new Console.Options(true, Duration.ofSeconds(5), ZoneId.systemDefault()));
        console.start();
        err.println("MiniLab console (plain mode): connected to Redis at " + settings.redisEndpoint()
                + "; conversation log: " + log.path());
        err.println("MiniLab console: " + signing);
        err.flush();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = reader.readLine()) != null) {
                if (!console.handle(line)) {
                    break;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read stdin: " + e.getMessage(), e);
        }
        out.flush();
        return 0;
    }
}
