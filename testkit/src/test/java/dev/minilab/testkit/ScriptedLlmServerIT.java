package dev.minilab.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class ScriptedLlmServerIT {

    private static final ToolSpecification SAVE_FILE = ToolSpecification.builder()
            .name("save_file")
            .description("Saves a file")
            .parameters(JsonObjectSchema.builder().addStringProperty("path").addStringProperty("content")
                    .required("path", "content").build())
            .build();
    private static final ToolSpecification READ_FILE = ToolSpecification.builder()
            .name("read_file")
            .description("Reads a file")
            .parameters(JsonObjectSchema.builder().addStringProperty("path").required("path").build())
            .build();

    private final ScriptedLlmServer llm = ScriptedLlmServer.start();

    @AfterEach
    void closeServer() {
        llm.close();
    }

    private OpenAiChatModel client(Duration timeout) {
        return OpenAiChatModel.builder()
                .baseUrl(llm.baseUrl())
                .apiKey("test-key")
                .modelName("gpt-test")
                .maxRetries(0)
                .timeout(timeout)
                .returnThinking(true)
                .build();
    }

    private OpenAiChatModel client() {
        return client(Duration.ofSeconds(5));
    }

    private static ChatResponse ask(OpenAiChatModel model, String role, ChatMessage... rest) {
        List<ChatMessage> messages = new ArrayList<>();
        messages.add(SystemMessage.from("You are " + role + ".\nYou work in a team."));
        messages.addAll(List.of(rest));
        return model.chat(ChatRequest.builder().messages(messages).toolSpecifications(SAVE_FILE, READ_FILE).build());
    }

    @Test
    void textReplyReachesTheRealClientWithUsage() {
        llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("Hello team").withUsage(120, 7));

        ChatResponse response = ask(client(), "Architect_Zero", UserMessage.from("hi"));

        assertThat(response.aiMessage().text()).isEqualTo("Hello team");
        assertThat(response.aiMessage().hasToolExecutionRequests()).isFalse();
        assertThat(response.tokenUsage().inputTokenCount()).isEqualTo(120);
        assertThat(response.tokenUsage().outputTokenCount()).isEqualTo(7);
        assertThat(response.tokenUsage().totalTokenCount()).isEqualTo(127);
        assertThat(response.modelName()).isEqualTo("gpt-test");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    void defaultUsageIsNonZero() {
        llm.when(Rule.any()).reply(Reply.text("ok"));

        ChatResponse response = ask(client(), "QA_Tester", UserMessage.from("hi"));

        assertThat(response.tokenUsage().inputTokenCount()).isPositive();
        assertThat(response.tokenUsage().outputTokenCount()).isPositive();
    }

    @Test
    void toolCallsAreParsedAsToolExecutionRequestsWithGeneratedIds() {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageContains("make a file"))
                .reply(Reply.toolCalls(Reply.ToolCall.of("save_file", "{\"path\":\"a.txt\",\"content\":\"x\"}"),
                                Reply.ToolCall.of("read_file", "{\"path\":\"a.txt\"}"))
                        .withText("Saving and reading back."));

        ChatResponse response = ask(client(), "DevOps_Builder", UserMessage.from("please make a file"));

        List<ToolExecutionRequest> calls = response.aiMessage().toolExecutionRequests();
        assertThat(calls).extracting(ToolExecutionRequest::name).containsExactly("save_file", "read_file");
        assertThat(calls.getFirst().arguments()).isEqualTo("{\"path\":\"a.txt\",\"content\":\"x\"}");
        assertThat(calls).extracting(ToolExecutionRequest::id).containsExactly("call_1", "call_2");
        assertThat(response.aiMessage().text()).isEqualTo("Saving and reading back.");
        assertThat(response.finishReason()).hasToString("TOOL_EXECUTION");
    }

    @Test
    void reasoningContentSurfacesAsThinking() {
        llm.when(Rule.any()).reply(Reply.text("Answer").withReasoning("First I consider the plan."));

        AiMessage message = ask(client(), "Security_Sentinel", UserMessage.from("review")).aiMessage();

        assertThat(message.thinking()).isEqualTo("First I consider the plan.");
        assertThat(message.text()).isEqualTo("Answer");
    }

    @Test
    void recordedRequestShowsRoleMessagesToolsAndToolResults() {
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("user").once())
                .reply(Reply.toolCall("read_file", "{\"path\":\"x\"}"));
        llm.when(Rule.forRole("DevOps_Builder").lastMessageRole("tool").lastMessageContains("file body"))
                .reply(Reply.text("Done"));
        OpenAiChatModel model = client();

        AiMessage first = ask(model, "DevOps_Builder", UserMessage.from("read x")).aiMessage();
        ToolExecutionRequest call = first.toolExecutionRequests().getFirst();
        ChatResponse second = ask(model, "DevOps_Builder", UserMessage.from("read x"), first,
                ToolExecutionResultMessage.from(call, "file body here"));

        assertThat(second.aiMessage().text()).isEqualTo("Done");
        assertThat(llm.requests()).hasSize(2);
        RecordedRequest recorded = llm.requestsFor("DevOps_Builder").get(1);
        assertThat(recorded.role()).isEqualTo("DevOps_Builder");
        assertThat(recorded.model()).isEqualTo("gpt-test");
        assertThat(recorded.toolNames()).containsExactly("save_file", "read_file");
        assertThat(recorded.systemPrompt()).startsWith("You are DevOps_Builder.");
        assertThat(recorded.lastMessage().role()).isEqualTo("tool");
        assertThat(recorded.lastMessage().toolCallId()).isEqualTo(call.id());
        assertThat(recorded.messagesWithRole("assistant").getFirst().toolCalls())
                .containsExactly(new RecordedRequest.ToolCall(call.id(), "read_file", "{\"path\":\"x\"}"));
        assertThat(recorded.containsText("file body here")).isTrue();
        assertThat(recorded.header("Authorization")).isEqualTo("Bearer test-key");
        assertThat(recorded.body().path("messages").size()).isEqualTo(4);
        assertThat(llm.requestsFor("QA_Tester")).isEmpty();
    }

    @Test
    void ruleWithTimesFallsThroughToTheNextRuleWhenUsedUp() {
        llm.when(Rule.any().times(2)).reply(Reply.text("first"));
        llm.when(Rule.any()).reply(Reply.text("later"));
        OpenAiChatModel model = client();

        List<String> answers = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            answers.add(ask(model, "QA_Tester", UserMessage.from("q" + i)).aiMessage().text());
        }

        assertThat(answers).containsExactly("first", "first", "later");
        assertThat(llm.pendingRules()).isEmpty();
    }

    @Test
    void replyInOrderAnswersEachReplyOnceAndPendingRulesShowsWhatIsLeft() {
        llm.when(Rule.forRole("QA_Tester")).replyInOrder(Reply.text("one"), Reply.text("two"), Reply.text("three"));
        OpenAiChatModel model = client();

        assertThat(ask(model, "QA_Tester", UserMessage.from("a")).aiMessage().text()).isEqualTo("one");
        assertThat(ask(model, "QA_Tester", UserMessage.from("b")).aiMessage().text()).isEqualTo("two");

        assertThat(llm.pendingRules()).hasSize(1);
    }

    @Test
    void otherRolesAndConditionsDoNotMatch() {
        llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("architect"));
        llm.when(Rule.any().systemPromptContains("work in a team").anyMessageContains("magic"))
                .reply(Reply.text("magic"));

        assertThat(ask(client(), "QA_Tester", UserMessage.from("some magic")).aiMessage().text()).isEqualTo("magic");
        assertThatThrownBy(() -> ask(client(), "QA_Tester", UserMessage.from("plain")))
                .isInstanceOf(LangChain4jException.class);
    }

    @Test
    void unmatchedRequestGets500NamingRoleAndLastMessageAndIsRecorded() {
        llm.when(Rule.forRole("Architect_Zero")).reply(Reply.text("not for you"));

        assertThatThrownBy(() -> ask(client(), "QA_Tester", UserMessage.from("run the checks")))
                .isInstanceOf(LangChain4jException.class)
                .hasMessageContaining("No scripted rule matched")
                .hasMessageContaining("role=QA_Tester")
                .hasMessageContaining("run the checks");
        assertThat(llm.unmatchedRequests()).singleElement()
                .extracting(RecordedRequest::role).isEqualTo("QA_Tester");
    }

    @Test
    void httpErrorReplyIsSeenByTheClientAndLaterRulesStillAnswer() {
        llm.when(Rule.any().once()).reply(Reply.httpError(429, "Rate limit reached for gpt-test"));
        llm.when(Rule.any()).reply(Reply.text("recovered"));

        assertThatThrownBy(() -> ask(client(), "QA_Tester", UserMessage.from("x")))
                .isInstanceOf(LangChain4jException.class)
                .hasMessageContaining("Rate limit reached for gpt-test");
        assertThat(ask(client(), "QA_Tester", UserMessage.from("x")).aiMessage().text()).isEqualTo("recovered");
        assertThat(llm.unmatchedRequests()).isEmpty();
    }

    @Test
    void delayHoldsTheAnswerWithoutBlockingOtherRequests() throws Exception {
        llm.when(Rule.any().lastMessageContains("slow").delay(Duration.ofMillis(700))).reply(Reply.text("slow"));
        llm.when(Rule.any()).reply(Reply.text("fast"));
        OpenAiChatModel model = client();

        long start = System.nanoTime();
        CompletableFuture<String> slow = CompletableFuture.supplyAsync(
                () -> ask(model, "QA_Tester", UserMessage.from("slow")).aiMessage().text());
        Thread.sleep(100);
        String fast = ask(model, "QA_Tester", UserMessage.from("quick")).aiMessage().text();
        long fastMillis = (System.nanoTime() - start) / 1_000_000;

        assertThat(fast).isEqualTo("fast");
        assertThat(fastMillis).isLessThan(600);
        assertThat(slow.get()).isEqualTo("slow");
        assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(700);
    }

    @Test
    void abandonedDelayedAnswerDoesNotHangClose() {
        llm.when(Rule.any().delay(Duration.ofSeconds(30))).reply(Reply.text("too late"));

        assertThatThrownBy(() -> ask(client(Duration.ofMillis(300)), "QA_Tester", UserMessage.from("x")))
                .isInstanceOf(LangChain4jException.class);
        long start = System.nanoTime();
        llm.close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
    }

    @Test
    void closeWhileARequestWaitsOnADelayReturnsPromptly() throws Exception {
        llm.when(Rule.any().delay(Duration.ofSeconds(30))).reply(Reply.text("too late"));
        CompletableFuture<ChatResponse> pending = CompletableFuture.supplyAsync(
                () -> ask(client(Duration.ofSeconds(60)), "QA_Tester", UserMessage.from("x")));
        await().atMost(Duration.ofSeconds(5)).until(() -> llm.requests().size() == 1);

        long start = System.nanoTime();
        llm.close();

        assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(2_000);
        assertThatThrownBy(() -> pending.get(2, java.util.concurrent.TimeUnit.SECONDS))
                .as("the waiting client sees the connection close instead of hanging")
                .isInstanceOf(java.util.concurrent.ExecutionException.class);
    }

    @Test
    void awaitRequestReturnsTheFirstMatchingRequestOrFailsNamingWhatArrived() {
        llm.when(Rule.any()).reply(Reply.text("ok"));
        ask(client(), "Security_Sentinel", UserMessage.from("audit the plan"));

        assertThat(llm.awaitRequest(request -> "Security_Sentinel".equals(request.role()), Duration.ofSeconds(1))
                .containsText("audit the plan")).isTrue();
        assertThatThrownBy(() -> llm.awaitRequest(request -> "QA_Tester".equals(request.role()),
                Duration.ofMillis(100)))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining("role=Security_Sentinel");
    }

    @Test
    void resetForgetsRulesAndRecordedRequests() {
        llm.when(Rule.any()).reply(Reply.text("old script"));
        ask(client(), "QA_Tester", UserMessage.from("x"));

        llm.reset();
        llm.when(Rule.any()).reply(Reply.text("new script"));

        assertThat(llm.requests()).isEmpty();
        assertThat(ask(client(), "QA_Tester", UserMessage.from("x")).aiMessage().text()).isEqualTo("new script");
    }

    @Test
    void streamingRequestIsRefusedWith400() throws Exception {
        HttpResponse<String> response = post("{\"model\":\"m\",\"stream\":true,\"messages\":[]}");

        assertThat(response.statusCode()).isEqualTo(400);
        assertThat(response.body()).contains("Streaming is not scripted").contains("\"error\"");
        assertThat(llm.unmatchedRequests()).hasSize(1);
    }

    @Test
    void modelsEndpointListsTheScriptedModel() throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(llm.baseUrl() + "/models")).GET().build(),
                HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).isEqualTo(200);
        assertThat(response.body()).contains("\"object\":\"list\"").contains(ScriptedLlmServer.DEFAULT_MODEL);
    }

    @Test
    void invalidJsonIsRefusedWith400() throws Exception {
        assertThat(post("not json").statusCode()).isEqualTo(400);
    }

    @Test
    void failingReplyFunctionAnswers500NamingTheRule() throws Exception {
        llm.when(Rule.any()).reply(request -> {
            throw new IllegalStateException("script bug");
        });

        HttpResponse<String> response = post("{\"model\":\"m\",\"messages\":[{\"role\":\"user\",\"content\":\"x\"}]}");

        assertThat(response.statusCode()).isEqualTo(500);
        assertThat(response.body()).contains("script bug");
    }

    private HttpResponse<String> post(String body) throws Exception {
        return HttpClient.newHttpClient().send(
                HttpRequest.newBuilder(URI.create(llm.baseUrl() + "/chat/completions"))
                        .header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void timingsSayWhenEachAnsweredRequestArrivedAndWasAnswered() {
        llm.when(Rule.any()).reply(Reply.text("ok"));

        long before = System.nanoTime();
        ask(client(), "QA_Tester", UserMessage.from("first"));
        ask(client(), "QA_Tester", UserMessage.from("second"));
        // The server notes "answered" after the last byte left it, and the client may have read that byte (and even
        // sent the next request) before the server thread gets there on loaded cores: wait for the notes, and order
        // the second request after the first one's arrival, not its answer (that failed once in nine runs under load).
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10)).until(() -> llm.timings().size() >= 2);
        long after = System.nanoTime();

        List<ScriptedLlmServer.Timing> timings = llm.timings();
        assertThat(timings).hasSize(2);
        assertThat(timings).extracting(ScriptedLlmServer.Timing::role).containsOnly("QA_Tester");
        assertThat(timings.get(0).receivedNanos()).isGreaterThanOrEqualTo(before);
        assertThat(timings.get(0).answeredNanos()).isGreaterThanOrEqualTo(timings.get(0).receivedNanos());
        assertThat(timings.get(1).receivedNanos()).isGreaterThan(timings.get(0).receivedNanos());
        assertThat(timings.get(1).answeredNanos()).isGreaterThanOrEqualTo(timings.get(1).receivedNanos())
                .isLessThanOrEqualTo(after);
        assertThat(timings.get(1).promptChars()).isEqualTo(llm.requests().get(1).bodyText().length());
    }
}
