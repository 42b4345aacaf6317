package dev.minilab.runtime.loop;

import com.knuddels.jtokkit.Encodings;
import com.knuddels.jtokkit.api.Encoding;
import com.knuddels.jtokkit.api.EncodingType;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Estimates the tokens of what an LLM request carries with a real BPE tokenizer (jtokkit, OpenAI's
 * {@code o200k_base}): exact for current OpenAI models, an estimate within a few percent for other families (Llama,
 * Qwen, Claude tokenize differently). Each message adds {@link #PER_MESSAGE} tokens of framing. Counts of recent texts
 * are cached, so re-counting a growing turn at every step costs little. Thread-safe.
 */
public final class TokenEstimator {

    /** Tokens of framing per message (role, separators), as OpenAI documents for its chat format. */
    public static final int PER_MESSAGE = 4;
    private static final int CACHE_ENTRIES = 4096;
    /** Loaded on first use, not at start-up: reading the o200k vocabulary takes 0.5–4 s of CPU. */
    private static final class Vocabulary {
        static final Encoding ENCODING = Encodings.newDefaultEncodingRegistry().getEncoding(EncodingType.O200K_BASE);
    }

    private final Map<String, Integer> cache = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Integer> eldest) {
            return size() > CACHE_ENTRIES;
        }
    };

    /** Tokens of {@code text}. */
    public int count(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        if (text.length() < 64) {
            return Vocabulary.ENCODING.countTokensOrdinary(text);
        }
        synchronized (cache) {
            Integer known = cache.get(text);
            if (known != null) {
                return known;
            }
        }
        int counted = Vocabulary.ENCODING.countTokensOrdinary(text);
        synchronized (cache) {
            cache.put(text, counted);
        }
        return counted;
    }

    /** Tokens of one message, framing included. */
    public int count(ChatMessage message) {
        int tokens = PER_MESSAGE;
        switch (message) {
            case SystemMessage system -> tokens += count(system.text());
            case UserMessage user -> {
                for (Content content : user.contents()) {
                    if (content instanceof TextContent text) {
                        tokens += count(text.text());
                    }
                }
            }
            case AiMessage ai -> {
                tokens += count(ai.text());
                for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                    tokens += PER_MESSAGE + count(call.name()) + count(call.arguments());
                }
            }
            case ToolExecutionResultMessage result -> tokens += count(result.text());
            default -> tokens += count(String.valueOf(message));
        }
        return tokens;
    }

    /** Tokens of a list of messages. */
    public int count(List<ChatMessage> messages) {
        int tokens = 0;
        for (ChatMessage message : messages) {
            tokens += count(message);
        }
        return tokens;
    }

    /**
     * An upper bound of {@link #count(List)} that needs no tokenizer: a byte-level BPE token covers at least one UTF-8
     * byte, so a message has at most as many tokens as bytes (plus framing). Cheap: one pass over the chars, no
     * vocabulary (whose first load costs 0.5–4 s of CPU).
     */
    public static long upperBound(List<ChatMessage> messages) {
        long bound = 0;
        for (ChatMessage message : messages) {
            bound += PER_MESSAGE;
            switch (message) {
                case SystemMessage system -> bound += utf8Bytes(system.text());
                case UserMessage user -> {
                    for (Content content : user.contents()) {
                        if (content instanceof TextContent text) {
                            bound += utf8Bytes(text.text());
                        }
                    }
                }
                case AiMessage ai -> {
                    bound += utf8Bytes(ai.text());
                    for (ToolExecutionRequest call : ai.toolExecutionRequests()) {
                        bound += PER_MESSAGE + utf8Bytes(call.name()) + utf8Bytes(call.arguments());
                    }
                }
                case ToolExecutionResultMessage result -> bound += utf8Bytes(result.text());
                default -> bound += utf8Bytes(String.valueOf(message));
            }
        }
        return bound;
    }

    /** An upper bound of {@link #countTools(List)}, as {@link #upperBound(List)}. */
    public static long upperBoundTools(List<ToolSpecification> tools) {
        long bound = 0;
        for (ToolSpecification tool : tools) {
            bound += PER_MESSAGE + utf8Bytes(tool.name()) + utf8Bytes(tool.description())
                    + utf8Bytes(String.valueOf(tool.parameters()));
        }
        return bound;
    }

    /** UTF-8 length of {@code text} (0 for null), without encoding it. */
    static long utf8Bytes(String text) {
        if (text == null) {
            return 0;
        }
        long bytes = text.length();
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x80) {
                // 2 bytes below U+0800, else 3; a surrogate pair is 4 bytes for 2 chars: 3 + 3 over-counts, fine
                bytes += c < 0x800 ? 1 : 2;
            }
        }
        return bytes;
    }

    /** Tokens of the tool definitions sent with every request (name, description, parameter schema). */
    public int countTools(List<ToolSpecification> tools) {
        int tokens = 0;
        for (ToolSpecification tool : tools) {
            tokens += PER_MESSAGE + count(tool.name()) + count(tool.description())
                    + count(String.valueOf(tool.parameters()));
        }
        return tokens;
    }
}
