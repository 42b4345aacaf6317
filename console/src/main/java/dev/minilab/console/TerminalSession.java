package dev.minilab.console;

import dev.minilab.console.bus.ConsoleBus;
import dev.minilab.console.log.ExecutionLogReader;
import dev.minilab.console.render.MessageFormatter;
import dev.minilab.console.render.TerminalOutput;
import dev.minilab.console.session.ConversationLog;
import dev.minilab.console.status.StatusBoard;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.impl.history.DefaultHistory;
import dev.minilab.console.render.ConsoleLineReader;
import org.jline.reader.UserInterruptException;
import org.jline.reader.impl.completer.StringsCompleter;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.jline.utils.AttributedStyle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The interactive console: JLine line editing with persistent history, styled output and a status bar. */
final class TerminalSession {

    /** Heartbeats ({@code agent_status}) are re-read this often for the status bar. */
    static final Duration STATUS_REFRESH = Duration.ofSeconds(2);

    /** The prompt (tests wait for it). */
    static final String PROMPT = "minilab> ";

    private TerminalSession() {
    }

    /** Runs until exit/quit or Ctrl-D; returns the process exit code. */
    static int run(ConsoleSettings settings, ConsoleBus bus, ConversationLog log, Clock clock, String signing) {
        Path history = settings.workspace().resolve(".minilab").resolve("console_history");
        prepareHistoryFile(history);
        try (Terminal terminal = TerminalBuilder.builder().system(true).build()) {
            ConsoleLineReader reader = new ConsoleLineReader(terminal, "minilab",
                    Map.of(LineReader.HISTORY_FILE, history, LineReader.HISTORY_SIZE, 2000));
            reader.setHistory(new DefaultHistory(reader));
            reader.setCompleter(completer());
            reader.setOpt(LineReader.Option.DISABLE_EVENT_EXPANSION);
            reader.setOpt(LineReader.Option.HISTORY_INCREMENTAL);
            reader.unsetOpt(LineReader.Option.INSERT_TAB);
            MessageFormatter formatter = new MessageFormatter(ZoneId.systemDefault(), !settings.noColor());
            StatusBoard board = new StatusBoard(clock);
            board.mode(settings.guardrails().mode().wire());
            TerminalOutput output = new TerminalOutput(reader, formatter, board);
            Console console = new Console(bus, output, log, new ExecutionLogReader(settings.workspace()), board,
                    new Console.Options(false, Duration.ofSeconds(5), ZoneId.systemDefault(), settings.guardrails()));
            ScheduledExecutorService refresher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "console-status");
                t.setDaemon(true);
                return t;
            });
            try {
                output.statusChanged();
                console.start();
                output.info(java.util.List.of(
                        "MiniLab console (mode " + settings.guardrails().mode().wire() + "): connected to Redis at "
                                + settings.redisEndpoint() + ", workspace " + settings.workspace(),
                        "conversation log: " + log.path(),
                        signing,
                        "Type a request for the team, or /help. STOP halts the team, exit leaves."));
                output.statusChanged();
                refresher.scheduleWithFixedDelay(() -> {
                    console.refreshHeartbeats();
                    output.statusChanged();
                }, STATUS_REFRESH.toMillis(), STATUS_REFRESH.toMillis(), TimeUnit.MILLISECONDS);
                String prompt = new AttributedString(PROMPT, formatter.senderStyle(Roles.USER).bold()).toAnsi(terminal);
                while (true) {
                    String line;
                    try {
                        line = reader.readLine(prompt);
                    } catch (UserInterruptException e) {
                        output.info("(Ctrl-C) type STOP to halt the team, exit to leave the console.");
                        continue;
                    } catch (EndOfFileException e) {
                        break;
                    }
                    if (!console.handle(line)) {
                        break;
                    }
                }
            } finally {
                refresher.shutdownNow();
                output.close();
                reader.getHistory().save();
            }
            terminal.writer().println(new AttributedString("bye — conversation log: " + log.path(),
                    AttributedStyle.DEFAULT.faint()).toAnsi(terminal));
            terminal.flush();
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open the terminal: " + e.getMessage(), e);
        }
    }

    /** Commands and @-mentions anywhere; after {@code /log}, the role names (full and short). */
    static org.jline.reader.Completer completer() {
        StringsCompleter words = new StringsCompleter("/help", "/status", "/log", "/cost", "/verbose", "/history",
                "/approve", "/reject", "STOP", "CLEAR", "exit", "quit", "@Architect_Zero", "@DevOps_Builder",
                "@Security_Sentinel", "@QA_Tester");
        StringsCompleter roles = new StringsCompleter("Architect_Zero", "DevOps_Builder", "Security_Sentinel",
                "QA_Tester", "architect", "devops", "security", "qa");
        return (reader, line, candidates) -> {
            boolean roleArgument = line.wordIndex() == 1 && !line.words().isEmpty()
                    && (line.words().getFirst().equals("/log") || line.words().getFirst().equals("/logs"));
            (roleArgument ? roles : words).complete(reader, line, candidates);
        };
    }

    /** Creates the history file readable by its owner only: answers to questions may contain secrets. */
    private static void prepareHistoryFile(Path history) {
        try {
            Files.createDirectories(history.getParent());
            if (!Files.exists(history)) {
                Files.createFile(history);
            }
            try {
                Files.setPosixFilePermissions(history, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException e) {
                // Not a POSIX file system (Windows): nothing to tighten.
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the console history " + history + ": " + e.getMessage()
                    + " — make the workspace writable or set MINILAB_WORKSPACE", e);
        }
    }
}
