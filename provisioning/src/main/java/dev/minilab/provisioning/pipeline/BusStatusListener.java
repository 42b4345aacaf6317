package dev.minilab.provisioning.pipeline;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import java.util.Objects;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Posts each transition to the team channel as a status line of {@code sender} (status messages trigger nobody).
 * A bus that is down costs a WARN, never the run.
 */
public final class BusStatusListener implements ProvisionListener {

    private static final Logger LOG = LoggerFactory.getLogger(BusStatusListener.class);

    private final TeamBus bus;
    private final String sender;
    private final UnaryOperator<String> redactor;

    public BusStatusListener(TeamBus bus, String sender, UnaryOperator<String> redactor) {
        this.bus = Objects.requireNonNull(bus, "bus");
        this.sender = Objects.requireNonNull(sender, "sender");
        this.redactor = Objects.requireNonNull(redactor, "redactor");
    }

    @Override
    public void transition(TransitionRecord transition) {
        try {
            bus.publish(Message.status(sender, redactor.apply(transition.statusLine())));
        } catch (RuntimeException e) {
            LOG.warn("Could not post the provisioning status line to the bus ({}); the run goes on and the execution "
                    + "log has the line", e.toString());
        }
    }
}
