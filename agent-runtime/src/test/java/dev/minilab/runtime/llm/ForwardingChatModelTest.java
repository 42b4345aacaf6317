package dev.minilab.runtime.llm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.Capability;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.listener.ChatModelListener;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardingChatModelTest {

    private static final ChatRequestParameters PARAMETERS = ChatRequestParameters.builder().modelName("m-1")
            .temperature(0.3).build();
    private static final ChatModelListener LISTENER = new ChatModelListener() {
    };

    /** A model whose every property differs from ChatModel's defaults, so forwarding is visible. */
    private static final ChatModel WRAPPED = new ChatModel() {
        @Override
        public ChatResponse doChat(ChatRequest request) {
            throw new UnsupportedOperationException("not called");
        }

        @Override
        public ChatRequestParameters defaultRequestParameters() {
            return PARAMETERS;
        }

        @Override
        public List<ChatModelListener> listeners() {
            return List.of(LISTENER);
        }

        @Override
        public ModelProvider provider() {
            return ModelProvider.OPEN_AI;
        }

        @Override
        public Set<Capability> supportedCapabilities() {
            return Set.of(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        }
    };

    @Test
    void everyDecoratorReportsTheWrappedModelsParametersListenersProviderAndCapabilities() {
        List<ChatModel> decorators = List.of(new EndpointNamingChatModel(WRAPPED, "http://127.0.0.1:1/v1"),
                new ForwardingChatModel(WRAPPED) {
                    @Override
                    public ChatResponse chat(ChatRequest request) {
                        return delegate().chat(request);
                    }
                });
        for (ChatModel decorator : decorators) {
            assertThat(decorator.defaultRequestParameters()).isSameAs(PARAMETERS);
            assertThat(decorator.listeners()).containsExactly(LISTENER);
            assertThat(decorator.provider()).isEqualTo(ModelProvider.OPEN_AI);
            assertThat(decorator.supportedCapabilities()).containsExactly(Capability.RESPONSE_FORMAT_JSON_SCHEMA);
        }
    }
}
