package dev.minilab.runtime.discipline;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import dev.minilab.runtime.llm.ForwardingChatModel;
import java.time.Duration;
import java.util.Objects;

/**
 * A chat model that asks the team's guardrails before every call ({@link TeamDiscipline#beforeLlmCall}, which may
 * refuse with {@link dev.minilab.runtime.loop.TurnRefusedException}, retries an unreadable state and fails the turn
 * with {@link dev.minilab.runtime.loop.TurnFailedException} when it never answers) and reports every answered call's model, tokens
 * and latency after it. The ReAct loop sees an ordinary {@link ChatModel}.
 */
public final class GuardedChatModel extends ForwardingChatModel {

    private final String modelName;
    private final TeamDiscipline discipline;

    /**
     * @param modelName the configured model, used when a response names none
     */
    public GuardedChatModel(ChatModel delegate, String modelName, TeamDiscipline discipline) {
        super(delegate);
        this.modelName = Objects.requireNonNull(modelName, "modelName");
        this.discipline = Objects.requireNonNull(discipline, "discipline");
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        discipline.beforeLlmCall();
        long started = System.nanoTime();
        ChatResponse response = delegate().chat(request);
        Duration latency = Duration.ofNanos(System.nanoTime() - started);
        String model = response.modelName() == null || response.modelName().isBlank() ? modelName
                : response.modelName();
        discipline.afterLlmCall(model, response.tokenUsage(), latency);
        return response;
    }
}
