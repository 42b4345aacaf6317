package dev.minilab.testkit;

import java.util.concurrent.ThreadLocalRandom;

/**
 * A {@code sleep} command that no other test run on this machine shares, for tests that look for a process by its
 * command line among all processes (a remote task over the test's sshd is not a descendant of the test JVM). With a
 * fixed "sleep 318" two suites running side by side on one machine (two clones, two CI jobs) saw each other's
 * process: found in a pair of concurrent {@code .ci/under-load} loops.
 */
public final class UniqueSleep {

    private UniqueSleep() {
    }

    /** {@code sleep <seconds>.<nine random digits>}, e.g. {@code sleep 318.402718855}: GNU sleep takes fractions. */
    public static String of(int seconds) {
        return "sleep " + seconds + "." + (100_000_000 + ThreadLocalRandom.current().nextInt(900_000_000));
    }
}
