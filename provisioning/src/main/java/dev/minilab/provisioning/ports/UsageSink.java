package dev.minilab.provisioning.ports;

import dev.langchain4j.model.output.TokenUsage;

/**
 * Where the token usage of each diagnosis call is also recorded: inside an agent, the agent's
 * {@code UsageMeter} (hash {@code agent_usage}, so {@code /cost} shows it); elsewhere nothing.
 */
@FunctionalInterface
public interface UsageSink {

    void record(String model, TokenUsage usage);

    static UsageSink none() {
        return (model, usage) -> { };
    }
}
