package dev.minilab.agents;

import dev.minilab.runtime.agent.TeamAgent;
import dev.minilab.runtime.bus.RoleLease;
import dev.minilab.runtime.bus.TeamBus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every {@link #PERIOD}: writes the agent's signed status into its key {@code agent_status:<Role>} and, while Redis answers PING,
 * touches the health file ({@code MINILAB_HEALTH_FILE}) that the container healthcheck
 * ({@code minilab-entrypoint health}) requires to be younger than 90 s.
 */
final class Heartbeat implements AutoCloseable {

    static final Duration PERIOD = Duration.ofSeconds(15);
    private static final Logger LOG = LoggerFactory.getLogger(Heartbeat.class);

    private final ScheduledExecutorService timer;

    private Heartbeat(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    static Heartbeat start(TeamAgent agent, TeamBus bus, Optional<Path> healthFile) {
        return start(agent, bus, healthFile, null);
    }

    /** As above, also refreshing {@code lease} three times per its ttl; a lost lease ends the process. */
    static Heartbeat start(TeamAgent agent, TeamBus bus, Optional<Path> healthFile, RoleLease lease) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread thread = new Thread(r, agent.name() + "-heartbeat");
            thread.setDaemon(true);
            return thread;
        });
        Runnable beat = () -> beat(agent, bus, healthFile);
        timer.scheduleWithFixedDelay(beat, 0, PERIOD.toMillis(), TimeUnit.MILLISECONDS);
        if (lease != null) {
            long every = lease.ttl().dividedBy(3).toMillis();
            timer.scheduleWithFixedDelay(() -> refresh(agent, lease), every, every, TimeUnit.MILLISECONDS);
        }
        return new Heartbeat(timer);
    }

    private static void beat(TeamAgent agent, TeamBus bus, Optional<Path> healthFile) {
        try {
            agent.heartbeat();
            if (healthFile.isPresent() && bus.ping()) {
                touch(healthFile.get());
            }
        } catch (RuntimeException e) {
            LOG.warn("Heartbeat failed: {}", e.toString());
        }
    }

    private static void refresh(TeamAgent agent, RoleLease lease) {
        try {
            if (!lease.refresh()) {
                LOG.error("FATAL: {}'s lease was taken by another process ({}) while this one ({}) could not refresh "
                        + "it; ending this process so that only one is active (it comes back as the standby)",
                        agent.name(), lease.holder(), lease.owner());
                System.exit(AgentMain.EXIT_LEASE_LOST);
            }
        } catch (RuntimeException e) {
            LOG.warn("Could not refresh {}'s lease ({}); a standby takes over if this lasts {} s", agent.name(),
                    e.getMessage(), lease.ttl().toSeconds());
        }
    }

    static void touch(Path file) {
        try {
            if (Files.exists(file)) {
                Files.setLastModifiedTime(file, FileTime.from(Instant.now()));
            } else {
                Files.writeString(file, "ok\n");
            }
        } catch (IOException e) {
            LOG.warn("Could not touch the health file {} ({}); the container will report unhealthy. Point "
                    + "MINILAB_HEALTH_FILE at a writable path", file, e.getMessage());
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
