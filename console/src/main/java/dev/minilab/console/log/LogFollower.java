package dev.minilab.console.log;

import java.io.IOException;
import java.io.PrintStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Prints a log file and, when following, what is appended to it (like {@code tail -f}); a file that shrinks
 * (rewritten or wiped) is printed again from its start.
 */
public final class LogFollower {

    private final Path file;
    private final PrintStream out;
    private final Duration poll;
    private long position;

    public LogFollower(Path file, PrintStream out, Duration poll) {
        this.file = file;
        this.out = out;
        this.poll = poll;
    }

    /** Prints what is new since the last call; returns whether anything was printed. */
    public boolean printNew() throws IOException {
        if (!Files.isRegularFile(file)) {
            return false;
        }
        long size = Files.size(file);
        if (size < position) {
            out.println("--- " + file.getFileName() + " was truncated; printing it from the start ---");
            position = 0;
        }
        if (size == position) {
            return false;
        }
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "r")) {
            raf.seek(position);
            byte[] bytes = new byte[(int) Math.min(size - position, 1 << 20)];
            raf.readFully(bytes);
            // Only print whole lines, so a half-written UTF-8 character or line waits for the next poll.
            int end = bytes.length;
            while (end > 0 && bytes[end - 1] != '\n') {
                end--;
            }
            if (end == 0) {
                return false;
            }
            out.print(new String(bytes, 0, end, StandardCharsets.UTF_8));
            out.flush();
            position += end;
            return true;
        }
    }

    /** Prints the file, then keeps printing appended lines while {@code keepGoing} says so. */
    public void follow(BooleanSupplier keepGoing) throws IOException, InterruptedException {
        do {
            printNew();
            Thread.sleep(poll.toMillis());
        } while (keepGoing.getAsBoolean());
    }
}
