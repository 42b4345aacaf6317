package dev.minilab.runtime.bus;

import io.lettuce.core.ScriptOutputType;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.Objects;
import java.util.UUID;

/**
 * The lease that makes one process at a time active for a role (issue 16): field {@code <role>} of hash
 * {@code agent_leases:<role>} (per role since issue 17: only that role's Redis user may write it), value {@code <owner>|<expiry in Redis ms>}. Taking and refreshing it is one script that reads
 * the server's clock (TIME), so clocks of different machines never matter: a free or lapsed lease is taken, a held
 * one is extended by its owner only. A process that does not hold it waits as a hot standby and retries. Both steps
 * are functions of the {@link BusFunctions} library ({@code minilab_lease_take}, {@code minilab_lease_release}).
 *
 * <p>The lease lives in a hash field instead of a {@code SET NX PX} key so that per-role ACL users need no SET or
 * PEXPIRE (with which they could overwrite or expire the history).
 */
public final class RoleLease {

    private final TeamBus bus;
    private final String role;
    private final Duration ttl;
    private final String owner;
    private volatile String holder = "";

    public RoleLease(TeamBus bus, String role, Duration ttl) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.role = Objects.requireNonNull(role, "role");
        this.ttl = Objects.requireNonNull(ttl, "ttl");
        // pid@host plus a random part: tells a human which process it is, and never repeats
        this.owner = ManagementFactory.getRuntimeMXBean().getName() + "/" + UUID.randomUUID().toString()
                .substring(0, 8);
    }

    /** This process's owner id ({@code pid@host/random}). */
    public String owner() {
        return owner;
    }

    /** The owner seen holding the lease at the last try (this process's id when it holds it). */
    public String holder() {
        return holder;
    }

    public Duration ttl() {
        return ttl;
    }

    /**
     * Takes the lease if it is free or lapsed, or extends it if this process holds it.
     *
     * @return true when this process holds the lease for another {@link #ttl()}
     */
    public boolean tryAcquire() {
        java.util.List<Object> result = BusFunctions.call(bus.commands(), BusFunctions.LEASE_TAKE,
                ScriptOutputType.MULTI,
                new String[] {bus.keys().leases(role)}, role, owner, Long.toString(ttl.toMillis()));
        holder = String.valueOf(result.get(1));
        return ((Long) result.get(0)) == 1L;
    }

    /** Extends the lease; false when another process has taken it meanwhile (this one must stop being active). */
    public boolean refresh() {
        return tryAcquire();
    }

    /** Lets the lease lapse now, if this process holds it; never throws. */
    public void release() {
        try {
            BusFunctions.call(bus.commands(), BusFunctions.LEASE_RELEASE, ScriptOutputType.INTEGER,
                    new String[] {bus.keys().leases(role)}, role, owner);
        } catch (RuntimeException e) {
            // the lease lapses by itself after the ttl
        }
    }
}
