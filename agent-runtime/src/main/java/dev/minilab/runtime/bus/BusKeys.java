package dev.minilab.runtime.bus;

/**
 * The Redis key and channel names MiniLab uses (DESIGN.md section 4), optionally under a prefix so that several
 * teams (or tests) can share one Redis ({@code MINILAB_KEY_PREFIX}; docs/DEPLOY.md "Several teams on one Redis").
 *
 * <p>A prefix is letters, digits, {@code _}, {@code -} and {@code :} only: the ACL file uses the names as glob
 * patterns, so a {@code *}, {@code ?} or {@code [} in a prefix would let one team's users reach another team's keys,
 * and a space would break the ACL line. It may not start with {@code agent_}: the standard (unprefixed) team reads
 * {@code agent_status:*}, {@code agent_progress:*} and {@code agent_usage:*}, which would cover such a team's keys.
 *
 * @param prefix prepended to every name; empty for the standard names
 */
public record BusKeys(String prefix) {

    /** What a prefix may contain (see above); at most 64 characters. */
    public static final String PREFIX_PATTERN = "[A-Za-z0-9_:-]{0,64}";
    /** What a team name (for {@link #forTeam}) may be: lower case, digits, {@code _} and {@code -}. */
    public static final String TEAM_PATTERN = "[a-z0-9][a-z0-9_-]{0,31}";

    /** The standard names, as the original and every MiniLab client use them. */
    public static final BusKeys DEFAULT = new BusKeys("");

    public BusKeys {
        prefix = prefix == null ? "" : prefix;
        if (!prefix.matches(PREFIX_PATTERN) || prefix.startsWith("agent_")) {
            throw new IllegalArgumentException("key prefix '" + prefix + "' is not valid: expected up to 64 letters, "
                    + "digits, '_', '-' or ':' (no glob characters, no spaces), not starting with 'agent_'");
        }
    }

    /** The keys of team {@code name} ({@link #TEAM_PATTERN}): every name under {@code <name>:}. */
    public static BusKeys forTeam(String name) {
        if (name == null || !name.matches(TEAM_PATTERN)) {
            throw new IllegalArgumentException("team name '" + name + "' is not valid: expected 1 to 32 lower-case "
                    + "letters, digits, '_' or '-', starting with a letter or digit");
        }
        return new BusKeys(name + ":");
    }

    public String channel() {
        return prefix + "agent_channel";
    }

    public String thinkChannel() {
        return prefix + "agent_think";
    }

    public String history() {
        return prefix + "chat_history";
    }

    public String sequence() {
        return prefix + "chat_seq";
    }

    /**
     * The seq of the last message published (issue 16): a publish whose reserved seq is not above it is refused as
     * stale, so no message ever lands in the history or on the channel after one with a higher seq.
     */
    public String publishedSequence() {
        return prefix + "chat_published_seq";
    }

    /** The legacy shared heartbeat hash (read by nothing now; agents have no right to write it). */
    public String status() {
        return prefix + "agent_status";
    }

    /** The heartbeat key of one role: only that role's Redis user may write it (issue 17 finding 4). */
    public String status(String role) {
        return prefix + "agent_status:" + role;
    }

    /**
     * The legacy shared usage hash (before issue 17: any role could write it). Still read, so older counts stay in
     * {@code /cost}; nothing writes it any more, and the ACL makes it read-only.
     */
    public String usage() {
        return prefix + "agent_usage";
    }

    /**
     * The usage counters of one role ({@code <role>|<model>|input|output|calls}): only that role's Redis user may
     * write them (issue 17 finding 4).
     */
    public String usage(String role) {
        return prefix + "agent_usage:" + role;
    }

    public String requirements() {
        return prefix + "user_requirements";
    }

    /** The User's last CLEAR message, signed: the session epoch a process adopts at start (issue 17 finding 1). */
    public String sessionEpoch() {
        return prefix + "session_epoch";
    }

    /**
     * The legacy shared set of {@code <agent>|<message id>} of handled control messages: every role could add to it.
     * Still read (ids handled before the per-role sets), never written; the ACL makes it read-only.
     */
    public String handledControls() {
        return prefix + "agent_controls";
    }

    /**
     * Set of {@code <agent>|<message id>} of the control messages {@code agent} has handled (never cleared); only that
     * role's Redis user may add to it (issue 17).
     */
    public String handledControls(String agent) {
        return prefix + "agent_controls:" + agent;
    }

    /** The legacy shared hash of the role leases (any role could take any lease); no longer used. */
    public String leases() {
        return prefix + "agent_leases";
    }

    /**
     * Hash of {@code role}'s lease (field {@code <role>}): one active process per role, the others wait as hot
     * standby; only that role's Redis user may write it (issue 17).
     */
    public String leases(String role) {
        return prefix + "agent_leases:" + role;
    }

    /**
     * The legacy shared progress hash (field per agent; before issue 17 any role could rewind another's). Still read
     * as a fallback for an agent that has no key of its own yet; nothing writes it any more, the ACL makes it
     * read-only.
     */
    public String progress() {
        return prefix + "agent_progress";
    }

    /**
     * Hash of one agent's progress (field {@code seq}: the last seq it has dealt with, resumed after a restart); only
     * that role's Redis user may write it (issue 17 finding 4).
     */
    public String progress(String agent) {
        return prefix + "agent_progress:" + agent;
    }
}
