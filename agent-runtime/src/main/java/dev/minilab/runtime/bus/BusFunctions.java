package dev.minilab.runtime.bus;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Optional;

/**
 * MiniLab's Redis function library {@code minilab} ({@code minilab.lua}, Redis 7 functions): every multi-step write
 * of the bus (reserve a seq, append and publish, record progress, count usage, the role lease, the guardrails'
 * request counters) is one function, called with FCALL (issue 17).
 *
 * <p>Agents' ACL users have {@code +fcall} but no EVAL, EVALSHA, SCRIPT or FUNCTION: they cannot run code of their own
 * on the server nor replace the library. The library is loaded by a process that may ({@code FUNCTION LOAD}): the
 * User's ACL user (the console, {@code ./minilab up}, the Compose one-shot {@code bus-functions}) or, on a Redis without
 * MiniLab's ACL users, any client. {@link #ensure} checks at connect time that the server's library is this build's
 * ({@link #VERSION}: a hash of the source, so any change is a new version) and loads it when allowed; a process that
 * may not load it fails with what to run.
 */
public final class BusFunctions {

    /** The library name ({@code #!lua name=minilab}). */
    public static final String LIBRARY = "minilab";
    private static final String TEMPLATE = read("minilab.lua");
    /** This build's library version: the first 16 hex digits of the SHA-256 of the library source. */
    public static final String VERSION = sha256(TEMPLATE).substring(0, 16);
    private static final String SOURCE = TEMPLATE.replace("@VERSION@", VERSION);

    static final String VERSION_FUNCTION = "minilab_version";
    static final String RESERVE = "minilab_reserve";
    static final String APPEND = "minilab_append";
    static final String PROGRESS = "minilab_progress";
    static final String USAGE = "minilab_usage";
    public static final String LEASE_TAKE = "minilab_lease_take";
    public static final String LEASE_RELEASE = "minilab_lease_release";
    public static final String REQUEST_START = "minilab_request_start";
    public static final String REQUEST_USAGE = "minilab_request_usage";
    public static final String REQUEST_HALT = "minilab_request_halt";

    /** What to run to load the library, for messages (the User's identity is needed on a protected Redis). */
    public static final String HOW_TO_LOAD = "load it as the User: `./minilab up` or `./minilab functions` does, in "
            + "Compose the one-shot service bus-functions does (docker compose up bus-functions), and so does starting "
            + "the console once";

    private BusFunctions() {
    }

    /** The library source as loaded (with its version filled in). */
    public static String source() {
        return SOURCE;
    }

    /** Loads (or replaces) the library; needs {@code FUNCTION LOAD} (the User's ACL user, or an unprotected Redis). */
    public static void load(RedisCommands<String, String> redis) {
        redis.functionLoad(SOURCE, true);
    }

    /** The version of the library the server has, or empty when it has none. */
    public static Optional<String> loadedVersion(RedisCommands<String, String> redis) {
        try {
            return Optional.ofNullable(redis.fcallReadOnly(VERSION_FUNCTION, ScriptOutputType.VALUE, new String[0]));
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("function not found")) {
                return Optional.empty();
            }
            throw e;
        }
    }

    /**
     * Makes sure the server has this build's library: returns when it has; else loads it, when this connection may;
     * else throws {@link BusException} saying what is missing and what to run.
     *
     * @param where the server, for the message ({@code host:port})
     * @return true when this call loaded the library
     */
    public static boolean ensure(RedisCommands<String, String> redis, String where) {
        Optional<String> loaded;
        try {
            loaded = loadedVersion(redis);
        } catch (RedisCommandExecutionException e) {
            if (String.valueOf(e.getMessage()).toLowerCase(Locale.ROOT).contains("unknown command")) {
                throw BusException.functionsMissing("The Redis at " + where + " has no functions (" + e.getMessage()
                        + "): MiniLab needs Redis 7 or later", e);
            }
            if (String.valueOf(e.getMessage()).startsWith("NOPERM")) {
                throw BusException.functionsMissing("The Redis user may not call MiniLab's functions at " + where
                        + " (" + e.getMessage() + "): that Redis still has ACL users from before the function library; "
                        + "reload the ACL file (ACL LOAD, or restart the Redis with --aclfile <keys>/redis/users.acl) "
                        + "and run ./minilab functions", e);
            }
            throw e;
        }
        if (loaded.filter(VERSION::equals).isPresent()) {
            return false;
        }
        try {
            load(redis);
            return true;
        } catch (RedisCommandExecutionException e) {
            String found = loaded.map(v -> "version " + v + " of MiniLab's Redis function library '" + LIBRARY
                    + "', this build needs version " + VERSION).orElse("no MiniLab Redis function library '" + LIBRARY
                    + "' (this build needs version " + VERSION + ")");
            throw BusException.functionsMissing("The Redis at " + where + " has " + found + ", and this process may not load it ("
                    + e.getMessage() + "): " + HOW_TO_LOAD + ". Then start this process again.", e);
        }
    }

    /** Calls function {@code name} of the library. */
    static <T> T call(RedisCommands<String, String> redis, String name, ScriptOutputType type, String[] keys,
                      String... args) {
        return redis.fcall(name, type, keys, args);
    }

    private static String read(String name) {
        try (InputStream in = BusFunctions.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("Redis function library " + name + " missing next to "
                        + BusFunctions.class.getName());
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String sha256(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
