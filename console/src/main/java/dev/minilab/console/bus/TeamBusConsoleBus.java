package dev.minilab.console.bus;

import dev.minilab.runtime.approval.Approver;
import dev.minilab.runtime.approval.PlanReviews;
import dev.minilab.runtime.approval.Verdict;
import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.bus.ThinkNote;

import dev.minilab.runtime.bus.MessageKind;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The console's bus on the runtime's {@link TeamBus}: the console publishes as {@value Message#USER}. It is also the
 * one that keeps {@code chat_history} to the window: agents' Redis users have no LTRIM (issue 17), so the console
 * trims when it subscribes and after every chat or control message it receives.
 */
public final class TeamBusConsoleBus implements ConsoleBus {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBusConsoleBus.class);
    private final TeamBus bus;
    private final PlanReviews reviews;

    /** Wraps a connected bus; closing this closes it. */
    public TeamBusConsoleBus(TeamBus bus) {
        this(bus, Approver.SECURITY);
    }

    /** As above; {@code approver} is APPROVER (for /approve and /reject). */
    public TeamBusConsoleBus(TeamBus bus, Approver approver) {
        this.bus = bus;
        this.reviews = new PlanReviews(Message.USER, approver, bus, text -> text);
    }

    @Override
    public String planVerdict(String planId, boolean approved, String why) {
        PlanReviews.Outcome outcome = reviews.review(planId, approved ? Verdict.APPROVED : Verdict.CHANGES_REQUESTED,
                why);
        return switch (outcome) {
            case PlanReviews.Outcome.Recorded recorded -> recorded.text();
            case PlanReviews.Outcome.Refused refused -> throw new IllegalStateException(refused.reason());
        };
    }

    @Override
    public Message sendChat(String content) {
        return bus.publish(Message.chat(Message.USER, content));
    }

    @Override
    public Message sendControl(String command) {
        ControlCommand control = ControlCommand.parse(command)
                .orElseThrow(() -> new IllegalArgumentException("not a control command: " + command));
        Message sent = bus.publish(Message.control(control));
        if (control == ControlCommand.CLEAR) {
            // Processes that start later learn the new session from it (and so refuse replays from before it).
            bus.saveSessionEpoch(sent);
        }
        return sent;
    }

    @Override
    public void subscribe(Listener listener) {
        trimHistory();
        bus.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                listener.onMessage(message);
                if (message.kind() != MessageKind.STATUS) { // status lines are not kept in the history
                    trimHistory();
                }
            }

            @Override
            public void onThink(ThinkNote note) {
                listener.onThink(note.sender(), note.content());
            }

            @Override
            public void onReconnected() {
                listener.onReconnected();
            }
        });
    }

    @Override
    public List<Message> history(int n) {
        return bus.history(n);
    }

    @Override
    public void clearConversation() {
        bus.clearConversation();
    }

    @Override
    public Map<String, String> statuses() {
        return bus.statuses(dev.minilab.console.Roles.ALL);
    }

    @Override
    public Map<String, String> usage() {
        return bus.usage(dev.minilab.console.Roles.ALL);
    }

    @Override
    public Map<String, String> requestState() {
        return bus.commands().hgetall(dev.minilab.runtime.discipline.DisciplineKeys.of(bus.keys()).requestState());
    }

    @Override
    public void close() {
        bus.close();
    }

    private void trimHistory() {
        try {
            bus.trimHistory();
        } catch (RuntimeException e) {
            // harmless: readers read only the last window; the next message trims again
            LOG.debug("Could not trim {} ({})", bus.keys().history(), e.toString());
        }
    }
}
