package dev.minilab.runtime.llm;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;

/** Builds the OpenAI-compatible client every agent uses (OpenAI, Ollama, LM Studio, vLLM, ...). */
public final class ChatModels {

    /** Sent when no key is configured: local servers ignore it, hosted ones answer 401 with a clear message. */
    static final String NO_KEY = "no-key-configured";

    private ChatModels() {
    }

    /** The client for {@code settings}; a failed call throws a one-line {@link LlmCallException} naming the URL. */
    public static ChatModel openAiCompatible(LlmSettings settings) {
        String base = settings.apiBase().endsWith("/") ? settings.apiBase().substring(0, settings.apiBase().length() - 1)
                : settings.apiBase();
        return new EndpointNamingChatModel(OpenAiChatModel.builder()
                .baseUrl(settings.apiBase())
                .apiKey(settings.apiKey() == null || settings.apiKey().isBlank() ? NO_KEY : settings.apiKey())
                .modelName(settings.model())
                .timeout(settings.timeout())
                .maxRetries(settings.maxRetries())
                .returnThinking(true)
                .logRequests(false)
                .logResponses(false)
                .build(), base + "/chat/completions");
    }
}
