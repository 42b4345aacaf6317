package dev.minilab.runtime.llm;

import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;


/**
 * A chat model whose failed calls throw an {@link LlmCallException}: one line with the endpoint and the HTTP status,
 * instead of the client's raw error page or chain of wrapped exceptions. Other failures pass through unchanged.
 */
final class EndpointNamingChatModel extends ForwardingChatModel {

    private static final Logger LOG = LoggerFactory.getLogger(EndpointNamingChatModel.class);

    private final String endpoint;

    EndpointNamingChatModel(ChatModel delegate, String endpoint) {
        super(delegate);
        this.endpoint = endpoint;
    }

    @Override
    public ChatResponse chat(ChatRequest request) {
        try {
            return delegate().chat(request);
        } catch (RuntimeException e) {
            if (!LlmCallException.isCallFailure(e)) {
                throw e;
            }
            LlmCallException described = LlmCallException.describe(e, endpoint);
            LOG.debug("LLM call failed: {}", described.getMessage(), e);
            throw described;
        }
    }
}
