package dev.minilab.runtime.llm;

import java.time.Duration;
import java.util.Objects;

/**
 * How to reach one OpenAI-compatible chat model.
 *
 * @param apiBase    e.g. https://api.openai.com/v1, http://ollama:11434/v1
 * @param apiKey     the key, or null for endpoints that need none (a placeholder is sent)
 * @param model      model name
 * @param timeout    per request
 * @param maxRetries retries of the client on transient errors
 */
public record LlmSettings(String apiBase, String apiKey, String model, Duration timeout, int maxRetries) {

    public LlmSettings {
        Objects.requireNonNull(apiBase, "apiBase");
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(timeout, "timeout");
    }

    @Override
    public String toString() {
        return "LlmSettings[apiBase=" + apiBase + ", model=" + model + ", apiKey=" + (apiKey == null ? "none" : "***")
                + ", timeout=" + timeout + ", maxRetries=" + maxRetries + "]";
    }
}
