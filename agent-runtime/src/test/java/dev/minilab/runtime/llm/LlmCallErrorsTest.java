package dev.minilab.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.minilab.testkit.FreePort;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Issue 18 item 7: a failed LLM call is one line naming the URL and the status, never a raw page. */
class LlmCallErrorsTest {

    private static final String PAGE = """
            <!DOCTYPE HTML PUBLIC "-//W3C//DTD HTML 4.01//EN"
                    "http://www.w3.org/TR/html4/strict.dtd">
            <html>
                <head>
                    <meta http-equiv="Content-Type" content="text/html;charset=utf-8">
                    <title>Error response</title>
                </head>
                <body>
                    <h1>Error response</h1>
                    <p>Error code: 501</p>
                    <p>Message: Unsupported method ('POST').</p>
                    <p>Error code explanation: 501 - Server does not support this operation.</p>
                </body>
            </html>
            """;

    private static ChatModel model(String base) {
        return ChatModels.openAiCompatible(new LlmSettings(base, "sk-test", "m", Duration.ofSeconds(10), 0));
    }

    private static ChatRequest hello() {
        return ChatRequest.builder().messages(UserMessage.from("hello")).build();
    }

    @Test
    void anHtmlErrorPageBecomesOneLineWithStatusAndUrl() throws Exception {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", exchange -> {
            byte[] body = PAGE.getBytes(StandardCharsets.UTF_8);
            exchange.getResponseHeaders().add("Content-Type", "text/html");
            exchange.sendResponseHeaders(501, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            String base = "http://127.0.0.1:" + server.getAddress().getPort() + "/v1";
            assertThatThrownBy(() -> model(base).chat(hello()))
                    .isInstanceOfSatisfying(LlmCallException.class, e -> {
                        assertThat(e.getMessage()).isEqualTo("HTTP 501 from " + base + "/chat/completions: Error response");
                        assertThat(e.status()).isEqualTo(501);
                        assertThat(e.getCause()).isNull();
                    });
        } finally {
            server.stop(0);
        }
    }

    @Test
    void aJsonErrorKeepsTheProvidersMessage() {
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Rule.any()).reply(Reply.httpError(401, "Incorrect API key provided"));
            assertThatThrownBy(() -> model(llm.baseUrl()).chat(hello()))
                    .hasMessage("HTTP 401 from " + llm.baseUrl() + "/chat/completions: Incorrect API key provided");
        }
    }

    @Test
    void aClosedPortNamesTheUrl() {
        String base = "http://127.0.0.1:" + FreePort.find() + "/v1";
        assertThatThrownBy(() -> model(base).chat(hello()))
                .isInstanceOf(LlmCallException.class)
                .hasMessage("cannot connect to " + base + "/chat/completions (connection refused or closed: is the LLM"
                        + " server running there?)");
    }

    @Test
    void detailCutsLongBodiesToOneLine() {
        assertThat(LlmCallException.detail("line one\nline two")).isEqualTo("line one line two");
        assertThat(LlmCallException.detail("x".repeat(500))).hasSize(160).endsWith("…");
    }
}
