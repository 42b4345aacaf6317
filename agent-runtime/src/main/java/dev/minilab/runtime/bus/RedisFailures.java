package dev.minilab.runtime.bus;

import io.lettuce.core.RedisBusyException;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisLoadingException;
import io.lettuce.core.RedisReadOnlyException;

/** Which Redis failures are worth trying again once the broker answers (issue 16, BusChaosIT failures). */
public final class RedisFailures {

    private RedisFailures() {
    }

    /**
     * True for a cut or timed-out connection and for a broker that is still loading its data after a restart
     * ({@code LOADING}) or busy with a long script ({@code BUSY}): the command did not run and may run once the broker
     * answers again. During a Sentinel failover also {@code READONLY} (the connection still reaches the old master
     * that Sentinel demoted to a replica; it is cut and re-resolved), {@code NOREPLICAS} (a master with
     * {@code min-replicas-to-write} lost its replica) and {@code MASTERDOWN} (a replica that lost its master): the
     * write did not happen and a retry may find the new master (issue 13). False for every other error Redis
     * answered with (NOPERM, WRONGTYPE, …): trying again changes nothing.
     */
    public static boolean isTransient(RuntimeException failure) {
        if (failure instanceof RedisLoadingException || failure instanceof RedisBusyException
                || failure instanceof RedisReadOnlyException) {
            return true;
        }
        String message = failure.getMessage() == null ? "" : failure.getMessage();
        if (failure instanceof RedisCommandExecutionException && (message.startsWith("READONLY")
                || message.startsWith("NOREPLICAS") || message.startsWith("MASTERDOWN"))) {
            return true;
        }
        return !(failure instanceof RedisCommandExecutionException);
    }
}
