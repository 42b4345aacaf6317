package dev.minilab.runtime.loop;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.output.TokenUsage;
import dev.minilab.runtime.control.Cancellation;
import dev.minilab.runtime.llm.ChatModels;
import dev.minilab.runtime.llm.LlmSettings;
import dev.minilab.runtime.tools.Tool;
import dev.minilab.runtime.tools.ToolArguments;
import dev.minilab.runtime.tools.ToolContext;
import dev.minilab.runtime.tools.ToolResult;
import dev.minilab.testkit.Reply;
import dev.minilab.testkit.Rule;
import dev.minilab.testkit.ScriptedLlmServer;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** Issue 18 item 8: a tool call that STOP kills is still recorded (execution log, /log), as killed by STOP. */
class StopRecordTest {

    private record Call(String tool, String arguments, ToolResult result) {
    }

    @Test
    void aToolCallKilledByStopIsReportedToTheListenerAsKilled() throws Exception {
        List<Call> recorded = new CopyOnWriteArrayList<>();
        TurnListener listener = new TurnListener() {
            @Override
            public void think(String text) {
            }

            @Override
            public void toolCalled(String tool, String arguments, ToolResult result) {
                recorded.add(new Call(tool, arguments, result));
            }

            @Override
            public void stillRunning(String tool, long seconds) {
            }

            @Override
            public void usage(String model, TokenUsage usage) {
            }
        };
        CountDownLatch running = new CountDownLatch(1);
        Tool slow = new Tool() {
            @Override
            public ToolSpecification specification() {
                return ToolSpecification.builder().name("run_shell").description("test shell")
                        .parameters(JsonObjectSchema.builder().addStringProperty("command").build()).build();
            }

            @Override
            public ToolResult execute(ToolArguments arguments, ToolContext context) {
                running.countDown();
                await().atMost(Duration.ofSeconds(30)).until(context.cancellation()::isCancelled);
                // What a killed process returns: the output so far and the signal's exit code.
                return ToolResult.ofProcess(143, Duration.ofSeconds(3), "partial output before the kill");
            }
        };
        try (ScriptedLlmServer llm = ScriptedLlmServer.start()) {
            llm.when(Rule.any()).reply(Reply.toolCall("run_shell", "{\"command\":\"sleep 600\"}"));
            var model = ChatModels.openAiCompatible(new LlmSettings(llm.baseUrl(), null, "m", Duration.ofSeconds(30), 0));
            ReActLoop loop = new ReActLoop("DevOps_Builder", model, "m", List.of(slow), LoopSettings.defaults(5, false),
                    s -> s);
            Cancellation cancellation = Cancellation.create();
            CompletableFuture<TurnOutcome> turn = CompletableFuture.supplyAsync(() -> loop.run(List.of(
                    SystemMessage.from("You are DevOps_Builder."), UserMessage.from("go")), cancellation, listener));
            assertThat(running.await(20, TimeUnit.SECONDS)).isTrue();

            cancellation.cancel();

            assertThat(turn.get(20, TimeUnit.SECONDS)).isInstanceOf(TurnOutcome.Stopped.class);
            assertThat(recorded).singleElement().satisfies(call -> {
                assertThat(call.tool()).isEqualTo("run_shell");
                assertThat(call.arguments()).contains("sleep 600");
                assertThat(call.result().isError()).isTrue();
                assertThat(call.result().output()).startsWith("run_shell was killed by STOP")
                        .contains("partial output before the kill");
            });
            loop.close();
        }
    }
}
