package dev.minilab.runtime.bus;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisLoadingException;

/** Which Redis failures are worth trying again once the broker answers (issue 16, BusChaosIT failures). */
public final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * True for a cut or timed-out connection and for a broker that is still loading its data after a restart
     * ({@code LOADING}) or busy with a long script ({@code BUSY}): the command did not run and may run once the broker
     * answers again. False for every other error Redis answered with (NOPERM, WRONGTYPE, …): trying again changes
     * nothing.
     */
    public static boolean isTransient(RuntimeException failure) {
        if (failure instanceof RedisLoadingException || failure instanceof RedisBusyException) {
            return true;
        }
        return !(failure instanceof RedisCommandExecutionException);
    }
}
