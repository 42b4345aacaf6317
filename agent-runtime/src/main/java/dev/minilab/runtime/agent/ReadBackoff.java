package dev.minilab.runtime.agent;

import java.time.Duration;

/**
 * How long the agent's patient reads (issue 16) keep trying: {@link #ATTEMPTS} attempts, waiting {@link #FIRST} after
 * the first failure and twice as long after each next one, up to {@link #MAX} (about 26 s in all). Shared by the reads
 * a message depends on ({@link RetriedReads}) and the guardrails' check before each LLM call inside a turn, so that a
 * Redis failover that the one survives does not end the other.
 */
public final class ReadBackoff {

    /** A failed read is tried this many times in all. */
    public static final int ATTEMPTS = 10;
    /** The wait after the first failure. */
    public static final Duration FIRST = Duration.ofMillis(200);
    /** The longest wait between two attempts. */
    public static final Duration MAX = Duration.ofSeconds(5);

    private ReadBackoff() {
    }

    /** The wait after {@code backoff}: twice as long, at most {@link #MAX}. */
    public static Duration next(Duration backoff) {
        Duration doubled = backoff.multipliedBy(2);
        return doubled.compareTo(MAX) > 0 ? MAX : doubled;
    }
}
