package dev.minilab.agents;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.bus.BusFunctions;
import dev.minilab.runtime.config.MiniLabConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;

/**
 * {@code ./minilab functions} (and the Compose one-shot {@code bus-functions}): loads MiniLab's Redis function library
 * ({@link BusFunctions}) into the Redis of {@code REDIS_*}, as the User's ACL user (the only MiniLab user allowed
 * {@code FUNCTION LOAD}); agents refuse to start without it. Prints what it did; exit code 0 when the server has this
 * build's library afterwards, 1 when it could not be loaded (the message says why).
 */
public final class FunctionsMain {

    private FunctionsMain() {
    }

    public static void main(String[] args) {
        Map<String, String> env = MiniLabConfig.load(System.getenv(), Path.of(""));
        System.exit(run(MiniLabConfig.from(env, Path.of("")), System.out, System.err));
    }

    /** Loads the library into the Redis {@code config} names; returns the exit code. */
    static int run(MiniLabConfig config, PrintStream out, PrintStream err) {
        String where = config.redisAddress();
        RedisURI uri;
        try {
            uri = RedisURI.create(config.redisUri());
        } catch (MiniLabException | IllegalArgumentException e) {
            err.println("minilab functions: " + e.getMessage());
            return 1;
        }
        uri.setTimeout(Duration.ofSeconds(10));
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> connection = client.connect()) {
            RedisCommands<String, String> redis = connection.sync();
            Optional<String> before = BusFunctions.loadedVersion(redis);
            if (before.filter(BusFunctions.VERSION::equals).isPresent()) {
                out.println("kept     Redis function library " + BusFunctions.LIBRARY + " version "
                        + BusFunctions.VERSION + " at " + where);
                return 0;
            }
            BusFunctions.load(redis);
            out.println("loaded   Redis function library " + BusFunctions.LIBRARY + " version " + BusFunctions.VERSION
                    + " at " + where + before.map(v -> " (replacing version " + v + ")").orElse(""));
            return 0;
        } catch (RuntimeException e) {
            err.println("minilab functions: cannot load the Redis function library " + BusFunctions.LIBRARY
                    + " into the Redis at " + where + ": " + e.getMessage() + ". It needs the User's Redis user "
                    + "(REDIS_USERNAME=user and its password) or a Redis without MiniLab's ACL users, and Redis 7 "
                    + "or later.");
            return 1;
        } finally {
            client.shutdown();
        }
    }
}
