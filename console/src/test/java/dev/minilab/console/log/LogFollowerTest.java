package dev.minilab.console.log;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

class LogFollowerTest {

    @TempDir
    Path dir;

    @Test
    void printsAppendedWholeLinesAndRestartsAfterTruncation() throws Exception {
        Path file = dir.resolve("log.md");
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        LogFollower follower = new LogFollower(file, new PrintStream(bytes, true, StandardCharsets.UTF_8), Duration.ofMillis(10));

        assertThat(follower.printNew()).isFalse();
        Files.writeString(file, "one\ntw");
        follower.printNew();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("one\n");

        Files.writeString(file, "o\n", StandardOpenOption.APPEND);
        follower.printNew();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("one\ntwo\n");

        Files.writeString(file, "new\n");
        follower.printNew();
        assertThat(bytes.toString(StandardCharsets.UTF_8)).endsWith("was truncated; printing it from the start ---\nnew\n");
    }
}
