package dev.minilab.agents;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.minilab.runtime.bus.Message;
import dev.minilab.runtime.bus.MessageCodec;
import dev.minilab.runtime.bus.MessageGuard;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.loop.ContextBudget;
import dev.minilab.runtime.loop.LoopSettings;
import dev.minilab.runtime.loop.ReActLoop;
import dev.minilab.runtime.loop.TokenEstimator;
import dev.minilab.runtime.loop.TurnListener;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;

/**
 * Runs the code of a step and a hop once before the agent says it listens, so the first real message does not pay
 * for class loading, linking and lambda bootstrap (issue 12: the first hop after start took ~600 ms, later ones
 * ~110 ms): message encode, sign, decode and verify; a ReAct loop with two turns (a {@code finish_task} call and a
 * text answer) through the real OpenAI-compatible client against a stub server on a loopback port of this process.
 * Nothing leaves the machine and nothing is written. The AOT/CDS training run ({@link AotTraining}) runs it too.
 */
public final class WarmUp {

    private static final String FINISH = """
            {"id":"warm-1","object":"chat.completion","created":0,"model":"warm-up","choices":[{"index":0,\
            "message":{"role":"assistant","content":null,"tool_calls":[{"id":"call-1","type":"function",\
            "function":{"name":"finish_task","arguments":"{\\"summary\\":\\"warm\\"}"}}]},\
            "finish_reason":"tool_calls"}],"usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";
    private static final String ANSWER = """
            {"id":"warm-2","object":"chat.completion","created":0,"model":"warm-up","choices":[{"index":0,\
            "message":{"role":"assistant","content":"warm"},"finish_reason":"stop"}],\
            "usage":{"prompt_tokens":1,"completion_tokens":1,"total_tokens":2}}""";

    private WarmUp() {
    }

    /**
     * Runs the warm-up as {@code sender} with {@code guard} (which must be able to sign as {@code sender}).
     *
     * @return how long it took
     */
    public static Duration run(String sender, MessageGuard guard, UnaryOperator<String> redactor) {
        long started = System.nanoTime();
        for (int i = 0; i < 20; i++) {
            Message sealed = guard.seal(Message.chat(sender, "warm-up " + i + " @Architect_Zero"));
            if (MessageCodec.decode(MessageCodec.encode(sealed)) instanceof MessageCodec.Decoded.Valid valid) {
                guard.rejectionReason(valid.message());
            }
        }
        ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
        HttpServer server = null;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 4);
            AtomicInteger calls = new AtomicInteger();
            server.createContext("/", exchange -> {
                try (exchange) {
                    exchange.getRequestBody().readAllBytes();
                    byte[] body = (calls.getAndIncrement() % 2 == 0 ? FINISH : ANSWER)
                            .getBytes(StandardCharsets.UTF_8);
                    exchange.getResponseHeaders().set("Content-Type", "application/json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            server.setExecutor(executor);
            server.start();
            ChatModel model = ChatModels.openAiCompatible(new LlmSettings("http://127.0.0.1:"
                    + server.getAddress().getPort() + "/v1", "warm-up", "warm-up", Duration.ofSeconds(10), 0));
            try (ReActLoop loop = new ReActLoop(sender, model, "warm-up", List.of(), LoopSettings.defaults(3, true),
                    redactor, new ContextBudget(16_000, new TokenEstimator()))) {
                List<ChatMessage> context = List.of(SystemMessage.from("You are " + sender + "."),
                        UserMessage.from("[User]: warm up"));
                loop.run(context, Cancellation.create(), TurnListener.NONE);
                loop.run(context, Cancellation.create(), TurnListener.NONE);
            }
        } catch (IOException | RuntimeException e) {
            // A warm-up that fails costs nothing but the warmth: the agent works the same without it.
            org.slf4j.LoggerFactory.getLogger(WarmUp.class).debug("Warm-up incomplete: {}", e.toString());
        } finally {
            if (server != null) {
                server.stop(0);
            }
            executor.shutdownNow();
        }
        return Duration.ofNanos(System.nanoTime() - started);
    }
}
