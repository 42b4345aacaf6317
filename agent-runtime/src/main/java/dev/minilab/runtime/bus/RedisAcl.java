package dev.minilab.runtime.bus;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;

/**
 * Redis ACL users for MiniLab (Redis 7+): one user per sender, limited to MiniLab's keys and channels and to the
 * commands the bus uses. A user of this kind cannot read or write any other key, run administrative commands
 * (FLUSHALL, CONFIG, KEYS, ...) or listen to other channels.
 *
 * <p>Only the User (the console) may delete the conversation (CLEAR), pin requests and load the function library;
 * each agent writes only its own heartbeat, progress and usage keys. (Needs Redis 7: key permissions {@code %R~},
 * selectors and functions.)
 */
public final class RedisAcl {

    /**
     * Commands every MiniLab process runs directly on any key its user may read: connection set-up, reads, pub/sub
     * and FCALL of the {@link BusFunctions} library. No write command is granted here: each write is granted by a
     * selector for the few keys it may touch (see {@link #userLine(String, String, BusKeys, boolean, List)}), and there
     * is no EVAL, EVALSHA, SCRIPT or FUNCTION (only the User may FUNCTION LOAD).
     * ({@code CLIENT SETINFO}, which Lettuce sends on Redis 7.2+, is left out on purpose: it does not exist on 7.0,
     * where naming it would make the whole ACL line invalid, and Lettuce ignores its refusal.)
     */
    static final List<String> COMMANDS = List.of("ping", "hello", "auth", "select", "echo",
            "client|setname", "get", "lrange", "llen", "hget", "hgetall", "hexists", "hkeys", "sismember", "publish",
            "subscribe",
            "unsubscribe", "multi", "exec", "discard", "time", "fcall", "fcall_ro");

    /** The writes of the guardrails (issue 9) on their hashes: plan records, verdicts, the request counters. */
    static final List<String> GUARDRAIL_WRITES = List.of("hset", "hdel", "hincrby", "hincrbyfloat", "hsetnx");

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
     * <p>Rights by sender (issue 17): every user reads MiniLab's keys and every heartbeat, and writes only through a
     * selector per write: an agent INCRs {@code chat_seq} (no INCRBY, no SET: the counter moves by one), SETs
     * {@code chat_published_seq} (the functions never trust a value above {@code chat_seq}) and its own heartbeat
     * {@code agent_status:<Sender>}, RPUSHes {@code chat_history} (no LTRIM, no DEL), HSETs its own progress
     * {@code agent_progress:<Sender>} and its own lease {@code agent_leases:<Sender>}, HINCRBYs its own usage
     * {@code agent_usage:<Sender>}, SADDs its own {@code agent_controls:<Sender>}, and writes the guardrails' hashes
     * ({@code extraKeys}). It only reads
     * {@code user_requirements}, {@code session_epoch}, other roles' progress and usage and the legacy shared hashes.
     * The User (the console) also pins requests, trims (LTRIM) and clears (DEL) the history and pins, sets the session
     * epoch and may FUNCTION LOAD the library, and writes no heartbeat, progress or usage.
     *
     * <p>Redis checks each command a function runs against the caller's user, so these selectors are what a function
     * can do too; the functions add checks of the arguments (docs/SECURITY.md, "A stolen agent password").
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
        // Keys passed to a writing function need full key rights here (FCALL declares its keys read-write); the
        // functions' own commands are checked against the selectors below.
        List<String> functionKeys = new java.util.ArrayList<>(List.of(keys.history(), keys.sequence(),
                keys.publishedSequence()));
        functionKeys.addAll(extraKeys);
        if (mayClear) {
            functionKeys.add(keys.requirements());
        } else {
            functionKeys.add(keys.progress(sender));
            functionKeys.add(keys.usage(sender));
            functionKeys.add(keys.leases(sender));
        }
        for (String key : functionKeys) {
            line.append(" ~").append(key);
        }
        List<String> readOnly = new java.util.ArrayList<>(List.of(keys.handledControls(), keys.handledControls("*"),
                keys.leases(), keys.leases("*"), keys.progress(), keys.usage(), keys.progress("*"), keys.usage("*"),
                keys.sessionEpoch(), keys.status("*")));
        if (!mayClear) {
            readOnly.add(keys.requirements());
        }
        for (String key : readOnly) {
            line.append(" %R~").append(key);
        }
        line.append(" &").append(keys.channel()).append(" &").append(keys.thinkChannel()).append(" -@all");
        for (String command : COMMANDS) {
            line.append(" +").append(command);
        }
        if (mayClear) {
            line.append(" +function|load");
        }
        selector(line, List.of(keys.sequence()), List.of("incr"));
        if (!extraKeys.isEmpty()) {
            selector(line, extraKeys, GUARDRAIL_WRITES);
        }
        if (mayClear) {
            // pinning, trimming the window and CLEAR are the User's (console's) job: agents have no LTRIM/DEL
            selector(line, List.of(keys.history(), keys.requirements()), List.of("rpush", "ltrim", "del"));
            selector(line, List.of(keys.publishedSequence(), keys.sessionEpoch()), List.of("set"));
        } else {
            selector(line, List.of(keys.history()), List.of("rpush"));
            // SET on the published seq and on this sender's own heartbeat key, nothing else
            selector(line, List.of(keys.publishedSequence(), keys.status(sender)), List.of("set"));
            selector(line, List.of(keys.progress(sender)), List.of("hset"));
            selector(line, List.of(keys.usage(sender)), List.of("hincrby"));
            selector(line, List.of(keys.leases(sender)), List.of("hset"));
            selector(line, List.of(keys.handledControls(sender)), List.of("sadd"));
        }
        return line.toString();
    }

    private static void selector(StringBuilder line, List<String> keys, List<String> commands) {
        line.append(" (");
        String separator = "";
        for (String key : keys) {
            line.append(separator).append('~').append(key);
            separator = " ";
        }
        for (String command : commands) {
            line.append(" +").append(command);
        }
        line.append(')');
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
