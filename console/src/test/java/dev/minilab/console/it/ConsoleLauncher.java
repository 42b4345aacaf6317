package dev.minilab.console.it;

import dev.minilab.console.ConsoleMain;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Builds the command that starts the real console as a separate JVM with the test's classpath. */
final class ConsoleLauncher {

    private ConsoleLauncher() {
    }

    static String java() {
        return ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(java(), "--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
                ConsoleMain.class.getName()));
        cmd.addAll(List.of(args));
        return cmd;
    }

    /** A shell script running the console with exactly {@code env} added (for tmux, which starts a shell). */
    static Path script(Path dir, Map<String, String> env, String... args) throws IOException {
        StringBuilder sh = new StringBuilder("#!/bin/sh\n");
        new TreeMap<>(env).forEach((k, v) -> sh.append("export ").append(k).append("='").append(v).append("'\n"));
        sh.append("cd '").append(dir).append("'\n");
        sh.append("exec");
        for (String part : command(args)) {
            sh.append(" '").append(part.replace("'", "'\\''")).append('\'');
        }
        sh.append('\n');
        Path file = dir.resolve("run-console.sh");
        Files.writeString(file, sh.toString());
        Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rwx------"));
        return file;
    }
}
