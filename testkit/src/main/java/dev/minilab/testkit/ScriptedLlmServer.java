package dev.minilab.testkit;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An OpenAI-compatible chat-completions server on 127.0.0.1 (or an address the test chooses) that answers from a
 * script and records every request.
 *
 * <p>Endpoints: {@code POST /v1/chat/completions} (non-streaming only; {@code "stream": true} gets a 400) and
 * {@code GET /v1/models}. The script is an ordered list of rules; the first rule that matches and still has firings
 * left answers. A request no rule answers gets HTTP 500 naming its role and last message and is kept in
 * {@link #unmatchedRequests()}, so tests can assert that list is empty (a client with retries enabled, as
 * langchain4j is by default, sends it again: build test clients with {@code maxRetries(0)} where it matters).
 * Each request runs on its own virtual
 * thread; {@link #close()} does not wait for delayed answers. Thread-safe.
 *
 * <pre>{@code
 * try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
 *     llm.when(Rule.forRole("Architect_Zero").lastMessageContains("make a file").once())
 *        .reply(Reply.toolCall("save_file", "{\"path\":\"docs/a.md\",\"content\":\"x\"}"));
 *     llm.when(Rule.forRole("Architect_Zero").lastMessageRole("tool")).reply(Reply.text("Saved."));
 *     // point the client at llm.baseUrl()
 * }
 * }</pre>
 */
public final class ScriptedLlmServer implements AutoCloseable {

    /** The model id listed by {@code GET /v1/models} and echoed when a request names none. */
    public static final String DEFAULT_MODEL = "scripted-model";

    private static final Logger LOG = LoggerFactory.getLogger(ScriptedLlmServer.class);

    static {
        // The JDK server closes a keep-alive connection after 30 s idle (sun.net.httpserver.idleInterval), which is
        // also how long langchain4j's JDK client keeps one for reuse: a request sent on it as the server closes it
        // fails with "header parser received no bytes" (seen in ComposeStackIT after a 33 s pause). Keeping idle
        // connections here for 10 minutes leaves the close to the client. Read once per JVM, at the first server.
        if (System.getProperty("sun.net.httpserver.idleInterval") == null) {
            System.setProperty("sun.net.httpserver.idleInterval", "600");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final List<Entry> script = new ArrayList<>();
    private final List<RecordedRequest> requests = new ArrayList<>();
    private final List<RecordedRequest> unmatched = new ArrayList<>();
    private final AtomicInteger completionIds = new AtomicInteger();
    private final AtomicInteger toolCallIds = new AtomicInteger();
    private final List<Timing> timings = new ArrayList<>();

    private ScriptedLlmServer(HttpServer server, ExecutorService executor) {
        this.server = server;
        this.executor = executor;
    }

    /** Starts a server on a free loopback port with an empty script. */
    public static ScriptedLlmServer start() {
        return start(InetAddress.getLoopbackAddress());
    }

    /**
     * Starts a server on a free port of {@code bindAddress} with an empty script, e.g. the gateway of a container
     * network the test created, so containers on that network reach it. Never bind to a wildcard address.
     */
    public static ScriptedLlmServer start(InetAddress bindAddress) {
        Objects.requireNonNull(bindAddress, "bindAddress");
        if (bindAddress.isAnyLocalAddress()) {
            throw new IllegalArgumentException("Bind the scripted LLM server to a loopback or test-network address, "
                    + "not the wildcard " + bindAddress.getHostAddress());
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        try {
            HttpServer http = HttpServer.create(new InetSocketAddress(bindAddress, 0), 64);
            ScriptedLlmServer llm = new ScriptedLlmServer(http, executor);
            http.createContext("/", llm::handle);
            http.setExecutor(executor);
            http.start();
            return llm;
        } catch (IOException e) {
            executor.shutdownNow();
            throw new UncheckedIOException("Could not start the scripted LLM server on "
                    + bindAddress.getHostAddress(), e);
        }
    }

    /**
     * Returns {@code http://<bound address>:<port>/v1} ({@code http://127.0.0.1:<port>/v1} for {@link #start()}),
     * the value for OPENAI_API_BASE / the client's baseUrl.
     */
    public String baseUrl() {
        InetAddress address = server.getAddress().getAddress();
        String host = address instanceof java.net.Inet6Address ? "[" + address.getHostAddress() + "]"
                : address.getHostAddress();
        return "http://" + host + ":" + port() + "/v1";
    }

    /** Returns the port the server listens on. */
    public int port() {
        return server.getAddress().getPort();
    }

    /** Starts a script entry for {@code rule}; finish it with one of the {@code reply} methods. */
    public Stubbing when(Rule rule) {
        return new Stubbing(Objects.requireNonNull(rule, "rule"));
    }

    /** Completes a script entry. */
    public final class Stubbing {
        private final Rule rule;

        private Stubbing(Rule rule) {
            this.rule = rule;
        }

        /** Answers every firing of the rule with {@code reply}. */
        public ScriptedLlmServer reply(Reply reply) {
            Objects.requireNonNull(reply, "reply");
            return add(rule, rule.times(), request -> reply);
        }

        /** Answers each firing with a reply computed from the request (e.g. echoing a tool result). */
        public ScriptedLlmServer reply(Function<RecordedRequest, Reply> replies) {
            Objects.requireNonNull(replies, "replies");
            return add(rule, rule.times(), replies);
        }

        /** Answers the 1st firing with the 1st reply and so on; the rule fires exactly once per reply. */
        public ScriptedLlmServer replyInOrder(Reply... replies) {
            if (replies.length == 0) {
                throw new IllegalArgumentException("replyInOrder needs at least one reply");
            }
            List<Reply> ordered = List.of(replies);
            AtomicInteger next = new AtomicInteger();
            return add(rule, ordered.size(), request -> ordered.get(next.getAndIncrement()));
        }
    }

    private ScriptedLlmServer add(Rule rule, int times, Function<RecordedRequest, Reply> replies) {
        synchronized (script) {
            script.add(new Entry(rule, times, replies));
        }
        return this;
    }

    /** Returns every chat-completions request received so far, in arrival order. */
    public List<RecordedRequest> requests() {
        synchronized (requests) {
            return List.copyOf(requests);
        }
    }

    /** Returns the requests whose system message names {@code role}. */
    public List<RecordedRequest> requestsFor(String role) {
        return requests().stream().filter(request -> Objects.equals(role, request.role())).toList();
    }

    /**
     * Waits until a recorded request satisfies {@code condition} and returns the first such request.
     *
     * @throws AssertionError naming the requests seen so far if none matches within {@code timeout}
     */
    public RecordedRequest awaitRequest(Predicate<RecordedRequest> condition, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Optional<RecordedRequest> found = requests().stream().filter(condition).findFirst();
            if (found.isPresent()) {
                return found.get();
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("No matching request reached the scripted LLM within " + timeout
                        + "; requests seen: " + requests().stream().map(RecordedRequest::summary).toList());
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting for a request", e);
            }
        }
    }

    /**
     * When one chat-completions exchange happened, in {@link System#nanoTime()} of this JVM (benchmarks measure the
     * client's share of a step as the gap between an answer and the next request).
     *
     * @param index         the request's {@link RecordedRequest#index()}
     * @param role          the role that asked, or null
     * @param receivedNanos when the handler started on the request (before its body was read)
     * @param answeredNanos when the last byte of the answer was handed to the socket
     * @param promptChars   the length of the request body in characters
     */
    public record Timing(int index, String role, long receivedNanos, long answeredNanos, int promptChars) {
    }

    /** Returns the timings of the answered chat-completions requests, in the order they were answered. */
    public List<Timing> timings() {
        synchronized (timings) {
            return List.copyOf(timings);
        }
    }

    /** Returns the requests no rule answered (including streaming requests); tests should assert it is empty. */
    public List<RecordedRequest> unmatchedRequests() {
        synchronized (requests) {
            return List.copyOf(unmatched);
        }
    }

    /** Returns the rules with a firing limit that have firings left, to assert a script ran to its end. */
    public List<Rule> pendingRules() {
        synchronized (script) {
            return script.stream().filter(entry -> entry.limit != Rule.UNLIMITED && entry.remaining > 0)
                    .map(entry -> entry.rule).toList();
        }
    }

    /** Forgets all rules and recorded requests, e.g. between tests that share one server. */
    public void reset() {
        synchronized (script) {
            script.clear();
        }
        synchronized (requests) {
            requests.clear();
            unmatched.clear();
        }
        synchronized (timings) {
            timings.clear();
        }
    }

    /** Stops the server at once; requests still waiting on a delay are abandoned. */
    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                LOG.warn("Scripted LLM server handler threads still running 5 s after close; a reply function "
                        + "may be blocking without honouring interrupts");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void handle(HttpExchange exchange) throws IOException {
        try (exchange) {
            String path = exchange.getRequestURI().getPath();
            String method = exchange.getRequestMethod();
            if ("GET".equals(method) && (path.equals("/v1/models") || path.equals("/models"))) {
                send(exchange, 200, OpenAiJson.models(List.of(DEFAULT_MODEL)), Map.of());
            } else if ("POST".equals(method)
                    && (path.equals("/v1/chat/completions") || path.equals("/chat/completions"))) {
                chatCompletion(exchange);
            } else {
                send(exchange, 404, OpenAiJson.error(404, "The scripted LLM server has no " + method + " " + path
                        + "; it serves POST /v1/chat/completions and GET /v1/models", "unknown_url"), Map.of());
            }
        } catch (IOException e) {
            // The client went away (e.g. it timed out on a delayed reply); there is nobody left to answer.
            LOG.debug("Scripted LLM exchange aborted: {}", e.toString());
        }
    }

    private void chatCompletion(HttpExchange exchange) throws IOException {
        long receivedNanos = System.nanoTime();
        String bodyText = new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
        Map<String, List<String>> headers = new TreeMap<>();
        exchange.getRequestHeaders().forEach((name, values) -> headers.put(name.toLowerCase(Locale.ROOT), values));
        RecordedRequest request;
        synchronized (requests) {
            try {
                request = OpenAiJson.parseRequest(requests.size(), bodyText, headers);
            } catch (IOException | IllegalArgumentException e) {
                send(exchange, 400, OpenAiJson.error(400, "Invalid JSON body: " + e.getMessage(), null), Map.of());
                return;
            }
            requests.add(request);
        }
        if (request.stream()) {
            recordUnmatched(request);
            send(exchange, 400, OpenAiJson.error(400, "Streaming is not scripted: the scripted LLM server answers "
                    + "only non-streaming requests (\"stream\": false); use OpenAiChatModel, not the streaming "
                    + "model", "stream_not_scripted"), Map.of());
            return;
        }
        Entry entry = claim(request);
        if (entry == null) {
            recordUnmatched(request);
            String message = "No scripted rule matched request " + request.summary() + ". Add a rule for it.";
            LOG.warn("Scripted LLM: {}", message);
            send(exchange, 500, OpenAiJson.error(500, message, "unmatched_request"), Map.of());
            return;
        }
        if (!entry.rule.delay().isZero()) {
            try {
                Thread.sleep(entry.rule.delay());
            } catch (InterruptedException e) {
                // close() interrupted the wait: the server is going away, so no answer is sent.
                Thread.currentThread().interrupt();
                return;
            }
        }
        Reply reply;
        try {
            reply = entry.replies.apply(request);
        } catch (RuntimeException e) {
            LOG.warn("Scripted LLM: the reply function of {} failed; fix the test's script", entry.rule, e);
            send(exchange, 500, OpenAiJson.error(500, "The scripted reply of " + entry.rule + " failed: " + e,
                    "reply_failed"), Map.of());
            return;
        }
        switch (reply) {
            case Reply.Completion completion -> {
                send(exchange, 200, OpenAiJson.completion(request, completion,
                        "chatcmpl-scripted-" + completionIds.incrementAndGet(), toolCallIds::incrementAndGet), Map.of());
                exchange.getResponseBody().flush();
                long answeredNanos = System.nanoTime();
                synchronized (timings) {
                    timings.add(new Timing(request.index(), request.role(), receivedNanos, answeredNanos,
                            request.bodyText().length()));
                }
            }
            case Reply.HttpError error -> send(exchange, error.status(),
                    OpenAiJson.error(error.status(), error.message(), null), error.headers());
        }
    }

    private Entry claim(RecordedRequest request) {
        synchronized (script) {
            for (Entry entry : script) {
                if (entry.remaining > 0 && entry.rule.matches(request)) {
                    if (entry.limit != Rule.UNLIMITED) {
                        entry.remaining--;
                    }
                    return entry;
                }
            }
            return null;
        }
    }

    private void recordUnmatched(RecordedRequest request) {
        synchronized (requests) {
            unmatched.add(request);
        }
    }

    private static void send(HttpExchange exchange, int status, String json, Map<String, String> extraHeaders)
            throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        extraHeaders.forEach((name, value) -> exchange.getResponseHeaders().set(name, value));
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    /** A rule in the script with its remaining firings (guarded by the script lock). */
    private static final class Entry {
        private final Rule rule;
        private final int limit;
        private final Function<RecordedRequest, Reply> replies;
        private int remaining;

        private Entry(Rule rule, int limit, Function<RecordedRequest, Reply> replies) {
            this.rule = rule;
            this.limit = limit;
            this.replies = replies;
            this.remaining = limit;
        }
    }

    @Override
    public String toString() {
        return "ScriptedLlmServer[" + baseUrl() + "]";
    }
}
