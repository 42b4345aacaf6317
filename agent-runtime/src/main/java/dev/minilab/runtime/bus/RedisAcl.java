package dev.minilab.runtime.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Redis ACL users for MiniLab (Redis 6+): one user per sender, limited to MiniLab's keys and channels and to the
 * commands the bus uses. A user of this kind cannot read or write any other key, run administrative commands
 * (FLUSHALL, CONFIG, KEYS, ...) or listen to other channels.
 *
 * <p>Only the User (the console) may delete the conversation (CLEAR) and pin requests; each agent writes only its
 * own heartbeat key. (Needs Redis 7: key permissions {@code %R~} and selectors.)
 */
public final class RedisAcl {

    /**
     * Commands every MiniLab process needs: connection set-up, the bus writes, the history reads, pub/sub.
     * ({@code CLIENT SETINFO}, which Lettuce sends on Redis 7.2+, is left out on purpose: it does not exist on 7.0,
     * where naming it would make the whole ACL line invalid, and Lettuce ignores its refusal.)
     */
    static final List<String> COMMANDS = List.of("ping", "hello", "auth", "select", "echo",
            "client|setname", "incr", "incrby", "get", "rpush", "lrange", "llen", "publish", "subscribe",
            "unsubscribe", "hset", "hget", "hgetall", "multi", "exec", "discard", "sadd", "time",
            // the guardrails (issue 9): request_state counters and plan records, partly updated by Lua scripts
            "eval", "evalsha", "hincrby", "hincrbyfloat", "hsetnx", "hexists", "hkeys", "hdel");

    private RedisAcl() {
    }

    /** The Redis user name of a sender: its name in lower case ({@code devops_builder}, {@code user}). */
    public static String username(String sender) {
        return sender.toLowerCase(Locale.ROOT);
    }

    /**
     * The Redis user name of a sender in the team whose keys are {@code keys}: {@link #username(String)} for the
     * standard keys, else the prefix with each {@code :} turned into {@code .}, then the sender in lower case
     * ({@code blue:} → {@code blue.devops_builder}). Distinct prefixes give distinct names (a prefix has no
     * {@code .}), and the name needs no escaping in a {@code redis://user:password@host} URL.
     */
    public static String username(String sender, BusKeys keys) {
        return keys.prefix().replace(':', '.') + username(sender);
    }

    /**
     * One line of an ACL file for {@code sender}, storing only the SHA-256 of the password.
     *
     * @param mayClear whether the user may delete the conversation (the console's CLEAR)
     */
    public static String userLine(String sender, String password, BusKeys keys, boolean mayClear) {
        return userLine(sender, password, keys, mayClear, List.of());
    }

    /**
     * As above, with more keys the user may use (e.g. the guardrails' {@code request_state}).
     *
     * <p>Rights by sender (issue 17 finding 4): every user reads MiniLab's keys and every heartbeat. An agent writes
     * the history, the seq counters, its own progress and usage hashes ({@code agent_progress:<Sender>},
     * {@code agent_usage:<Sender>}) and its own heartbeat key {@code agent_status:<Sender>} only (SET is granted for
     * that key alone, so no counter can be SET), and may only read {@code user_requirements}, other roles' progress
     * and usage and the legacy shared hashes {@code agent_progress} and {@code agent_usage}; it has no DEL. The User
     * (the console) also pins requests, trims the history window (LTRIM) and clears the conversation (DEL), and
     * writes no heartbeat; agents have no LTRIM.
     */
    public static String userLine(String sender, String password, BusKeys keys, boolean mayClear,
                                  List<String> extraKeys) {
        return userLine(username(sender), sender, password, keys, mayClear, extraKeys);
    }

    /**
     * As above, for a team on a shared Redis: the user is named {@link #username(String, BusKeys)}, so each team's
     * users reach only that team's keys and channels (docs/DEPLOY.md "Several teams on one Redis").
     */
    public static String teamUserLine(String sender, String password, BusKeys keys, boolean mayClear,
                                      List<String> extraKeys) {
        return userLine(username(sender, keys), sender, password, keys, mayClear, extraKeys);
    }

    private static String userLine(String username, String sender, String password, BusKeys keys, boolean mayClear,
                                   List<String> extraKeys) {
        StringBuilder line = new StringBuilder("user ").append(username).append(" on #")
                .append(sha256(password)).append(" resetkeys resetchannels");
        for (String key : List.of(keys.history(), keys.sequence(), keys.publishedSequence(), keys.handledControls(),
                keys.leases())) {
            line.append(" ~").append(key);
        }
        // progress and usage: every role reads all (and the legacy shared hashes), writes only its own key
        for (String key : List.of(keys.progress(), keys.usage(), keys.progress("*"), keys.usage("*"))) {
            line.append(" %R~").append(key);
        }
        if (!mayClear) {
            line.append(" ~").append(keys.progress(sender)).append(" ~").append(keys.usage(sender));
        }
        for (String key : extraKeys) {
            line.append(" ~").append(key);
        }
        line.append(mayClear ? " ~" : " %R~").append(keys.requirements());
        line.append(mayClear ? " ~" : " %R~").append(keys.sessionEpoch());
        line.append(" %R~").append(keys.status("*"));
        line.append(" &").append(keys.channel()).append(" &").append(keys.thinkChannel()).append(" -@all");
        for (String command : COMMANDS) {
            line.append(" +").append(command);
        }
        if (mayClear) {
            // trimming the history window is the User's (console's) job: agents have no LTRIM (issue 17)
            line.append(" +del +ltrim (~").append(keys.sessionEpoch()).append(" +set)");
        } else {
            // a selector: SET on this sender's own heartbeat key and nothing else
            line.append(" (~").append(keys.status(sender)).append(" +set)");
        }
        return line.toString();
    }

    /**
     * The line that switches the password-less default user off, so only the MiniLab users can connect. Nobody can
     * log in as it (off, no password), but it keeps every permission: Redis replays the AOF as the default user and
     * checks ACLs on each MULTI/EXEC it replays, so a default user without permissions loses every transaction
     * (chat_history, user_requirements) when that Redis restarts.
     */
    public static String defaultUserOff() {
        return "user default off resetpass ~* &* +@all";
    }

    /** The name of the user that may only reload the ACL file (so a second team can join a running Redis). */
    public static final String ACL_LOADER = "minilab_acl_loader";

    /**
     * The line of {@link #ACL_LOADER}: it can run {@code ACL LOAD} (re-read the server's own ACL file, which only
     * the keys' owner can write) and nothing else: no key, no channel, no other command.
     */
    public static String aclLoaderLine(String password) {
        return "user " + ACL_LOADER + " on #" + sha256(password) + " resetkeys resetchannels -@all +auth +hello +ping"
                + " +acl|load";
    }

    private static String sha256(String password) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(password.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
