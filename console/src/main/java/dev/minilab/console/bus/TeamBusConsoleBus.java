package dev.minilab.console.bus;

import dev.minilab.runtime.bus.BusListener;
import dev.minilab.runtime.bus.ControlCommand;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.TeamBus;
import dev.minilab.runtime.bus.ThinkNote;

import java.util.List;
import java.util.Map;

/** The console's bus on the runtime's {@link TeamBus}: the console publishes as {@value Message#USER}. */
public final class TeamBusConsoleBus implements ConsoleBus {

    private final TeamBus bus;

    /** Wraps a connected bus; closing this closes it. */
    public TeamBusConsoleBus(TeamBus bus) {
        this.bus = bus;
    }

    @Override
    public Message sendChat(String content) {
        return bus.publish(Message.chat(Message.USER, content));
    }

    @Override
    public Message sendControl(String command) {
        ControlCommand control = ControlCommand.parse(command)
                .orElseThrow(() -> new IllegalArgumentException("not a control command: " + command));
        return bus.publish(Message.control(control));
    }

    @Override
    public void subscribe(Listener listener) {
        bus.subscribe(new BusListener() {
            @Override
            public void onMessage(Message message) {
                listener.onMessage(message);
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
        return bus.statuses();
    }

    @Override
    public Map<String, String> usage() {
        return bus.usage();
    }

    @Override
    public Map<String, String> requestState() {
        return bus.commands().hgetall(dev.minilab.runtime.discipline.DisciplineKeys.of(bus.keys()).requestState());
    }

    @Override
    public void close() {
        bus.close();
    }
}
