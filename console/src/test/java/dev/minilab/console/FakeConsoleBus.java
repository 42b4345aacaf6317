package dev.minilab.console;

import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageKind;

import dev.minilab.console.bus.ConsoleBus;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** In-memory bus for unit tests: records what was published and echoes it to the listener like Redis would. */
class FakeConsoleBus implements ConsoleBus {

    final List<Message> published = new CopyOnWriteArrayList<>();
    final List<Message> history = new CopyOnWriteArrayList<>();
    final Map<String, String> statuses = new HashMap<>();
    final Map<String, String> usage = new HashMap<>();
    int clears;
    /** Called after each publish, e.g. to make scripted agents answer a CLEAR. */
    Consumer<Message> onPublish = m -> { };
    private Listener listener;

    @Override
    public Message sendChat(String content) {
        return publish(new Message("id-" + published.size(), published.size() + 1, "User", content, Instant.now(),
                MessageKind.CHAT, List.of(), null));
    }

    @Override
    public Message sendControl(String command) {
        return publish(new Message("id-" + published.size(), published.size() + 1, "User", command, Instant.now(),
                MessageKind.CONTROL, List.of(), null));
    }

    private Message publish(Message m) {
        published.add(m);
        if (m.kind() == MessageKind.CHAT) {
            history.add(m);
        }
        deliver(m);
        onPublish.accept(m);
        return m;
    }

    /** Delivers a message as if another process published it. */
    void deliver(Message m) {
        if (listener != null) {
            listener.onMessage(m);
        }
    }

    void reconnected() {
        listener.onReconnected();
    }

    void think(String sender, String text) {
        listener.onThink(sender, text);
    }

    @Override
    public void subscribe(Listener l) {
        this.listener = l;
    }

    @Override
    public List<Message> history(int n) {
        List<Message> all = new ArrayList<>(history);
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
