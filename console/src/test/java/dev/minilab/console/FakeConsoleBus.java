package dev.minilab.console;

import dev.minilab.console.bus.ConsoleBus;
import dev.minilab.console.bus.TeamMessage;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** In-memory bus for unit tests: records what was published and echoes it to the listener like Redis would. */
class FakeConsoleBus implements ConsoleBus {

    final List<TeamMessage> published = new CopyOnWriteArrayList<>();
    final List<TeamMessage> history = new CopyOnWriteArrayList<>();
    final Map<String, String> statuses = new HashMap<>();
    final Map<String, String> usage = new HashMap<>();
    int clears;
    /** Called after each publish, e.g. to make scripted agents answer a CLEAR. */
    Consumer<TeamMessage> onPublish = m -> { };
    private Listener listener;

    @Override
    public TeamMessage sendChat(String content) {
        return publish(new TeamMessage("id-" + published.size(), published.size() + 1, "User", content, Instant.now(),
                TeamMessage.Kind.CHAT, List.of()));
    }

    @Override
    public TeamMessage sendControl(String command) {
        return publish(new TeamMessage("id-" + published.size(), published.size() + 1, "User", command, Instant.now(),
                TeamMessage.Kind.CONTROL, List.of()));
    }

    private TeamMessage publish(TeamMessage m) {
        published.add(m);
        if (m.kind() == TeamMessage.Kind.CHAT) {
            history.add(m);
        }
        deliver(m);
        onPublish.accept(m);
        return m;
    }

    /** Delivers a message as if another process published it. */
    void deliver(TeamMessage m) {
        if (listener != null) {
            listener.onMessage(m);
        }
    }

    void think(String sender, String text) {
        listener.onThink(sender, text);
    }

    @Override
    public void subscribe(Listener l) {
        this.listener = l;
    }

    @Override
    public List<TeamMessage> history(int n) {
        List<TeamMessage> all = new ArrayList<>(history);
        return all.subList(Math.max(0, all.size() - n), all.size());
    }

    @Override
    public void clearConversation() {
        clears++;
        history.clear();
    }

    @Override
    public Map<String, String> statuses() {
        return statuses;
    }

    @Override
    public Map<String, String> usage() {
        return usage;
    }

    @Override
    public void close() {
    }
}
