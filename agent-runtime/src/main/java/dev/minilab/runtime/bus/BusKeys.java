package dev.minilab.runtime.bus;

/**
 * The Redis key and channel names MiniLab uses (DESIGN.md section 4), optionally under a prefix so that several
 * teams (or tests) can share one Redis.
 *
 * @param prefix prepended to every name; empty for the standard names
 */
public record BusKeys(String prefix) {

    /** The standard names, as the original and every MiniLab client use them. */
    public static final BusKeys DEFAULT = new BusKeys("");

    public BusKeys {
        prefix = prefix == null ? "" : prefix;
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

    public String status() {
        return prefix + "agent_status";
    }

    public String usage() {
        return prefix + "agent_usage";
    }

    public String requirements() {
        return prefix + "user_requirements";
    }

    /** Set of {@code <agent>|<message id>} of the control messages each agent has handled (never cleared). */
    public String handledControls() {
        return prefix + "agent_controls";
    }

    /** Hash of the role leases: one active process per role, the others wait as hot standby. */
    public String leases() {
        return prefix + "agent_leases";
    }

    /** Hash of the last handled seq per agent (resume after a restart). */
    public String progress() {
        return prefix + "agent_progress";
    }
}
