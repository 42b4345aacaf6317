package dev.minilab.console;

import dev.minilab.console.log.ExecutionLogReader;
import dev.minilab.console.log.LogFollower;

import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * {@code logs <role> [-f]}: prints an agent's Markdown execution log, and with {@code -f} keeps printing what the
 * agent appends (until interrupted). Exit codes: 0 printed, 1 no log yet (without -f), 2 usage error.
 */
final class LogsCommand {

    static final String USAGE = "usage: minilab logs <role> [-f]   (role: " + String.join(", ", Roles.ALL)
            + "; a unique prefix like devops or qa works)";

    private LogsCommand() {
    }

    static int run(List<String> args, Path workspace, PrintStream out, PrintStream err) {
        boolean follow = args.contains("-f") || args.contains("--follow");
        List<String> rest = args.stream().filter(a -> !a.equals("-f") && !a.equals("--follow")).toList();
        if (rest.size() != 1) {
            err.println(USAGE);
            return 2;
        }
        Optional<String> role = Roles.resolve(rest.getFirst());
        if (role.isEmpty()) {
            err.println("unknown role '" + rest.getFirst() + "'; " + USAGE);
            return 2;
        }
        Path md = new ExecutionLogReader(workspace).markdownPath(role.get());
        if (!Files.isRegularFile(md)) {
            if (!follow) {
                err.println("no execution log for " + role.get() + " yet at " + md
                        + " — it is written on the agent's first turn (is MINILAB_WORKSPACE the team's workspace?)");
                return 1;
            }
            err.println("waiting for " + md + " (Ctrl-C to stop)...");
        }
        LogFollower follower = new LogFollower(md, out, Duration.ofMillis(300));
        try {
            if (follow) {
                follower.follow(() -> !Thread.currentThread().isInterrupted());
            } else {
                follower.printNew();
            }
            return 0;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + md + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        }
    }
}
