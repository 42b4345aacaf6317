package dev.minilab.runtime.loop;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.SystemMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import java.util.List;

/**
 * Estimates the tokens of what an LLM request carries without a tokenizer's vocabulary: one pass over the text that
 * splits it the way OpenAI's {@code o200k_base} pre-tokenizer does (words with their leading space, numbers in groups
 * of up to three digits, runs of punctuation, line breaks) and prices each piece. Loading the real vocabulary (jtokkit)
 * cost 0.5–4 s of CPU and ~45 MB of live heap per agent (issue 12), for a budget that is a guardrail, not a contract.
 *
 * <p>Checked against the real o200k tokenizer in {@code TokenEstimatorTest} on prose, code, Terraform, JSON, YAML,
 * shell, German, accented and CJK text, emoji, digits, hex, UUIDs and base64: the estimate is 0.85–1.40 times the real
 * count (high by 10–40 % on prose and code, low by up to 15 % on dense JSON). Other model families tokenize
 * differently. Each message adds {@link #PER_MESSAGE} tokens of framing. Stateless and thread-safe.
 */
public final class TokenEstimator {

    /** Tokens of framing per message (role, separators), as OpenAI documents for its chat format. */
    public static final int PER_MESSAGE = 4;
    /** Characters of a lower-case word that one token covers on average (o200k: most English words are one token). */
    private static final double WORD_CHARS_PER_TOKEN = 6.0;
    /** A run without white space at least this long that mixes cases and digits is a key, hash or base64 blob. */
    private static final int BLOB_RUN = 24;
    /** Characters per token of such a blob (o200k: ~1.5 for base64, ~1.7 for hex). */
    private static final double BLOB_CHARS_PER_TOKEN = 1.45;

    /** Tokens of {@code text} (an estimate, see the class comment); never more than its UTF-8 bytes. */
    public int count(String text) {
        return estimate(text);
    }

    /** The estimate of {@link #count(String)}, as a static function. */
    static int estimate(String text) {
        if (text == null || text.isEmpty()) {
            return 0;
        }
        int tokens = 0;
        int n = text.length();
        int i = 0;
        while (i < n) {
            char c = text.charAt(i);
            if (c == ' ' || c == '\t') {
                int start = i;
                while (i < n && (text.charAt(i) == ' ' || text.charAt(i) == '\t')) {
                    i++;
                }
                // one space joins the word after it; more spaces, or one before a number, are a token of their own
                if (i - start > 1 || (i < n && isDigit(text.charAt(i)))) {
                    tokens++;
                }
            } else if (c == '\n' || c == '\r' || Character.isWhitespace(c)) {
                while (i < n && Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                tokens++;
            } else if (c < 0x80 && Character.isLetterOrDigit(c) && isBlob(text, i)) {
                int start = i;
                while (i < n && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                tokens += (int) Math.ceil((i - start) / BLOB_CHARS_PER_TOKEN);
            } else if (isAsciiLetter(c)) {
                int start = i;
                while (i < n && isAsciiLetter(text.charAt(i)) && Character.isUpperCase(text.charAt(i))) {
                    i++;
                }
                int upper = i - start;
                while (i < n && isAsciiLetter(text.charAt(i)) && Character.isLowerCase(text.charAt(i))) {
                    i++;
                }
                int lower = i - start - upper;
                tokens += lower == 0 ? (upper + 2) / 3 : (int) Math.ceil((upper + lower) / WORD_CHARS_PER_TOKEN);
            } else if (isDigit(c)) {
                int start = i;
                while (i < n && isDigit(text.charAt(i))) {
                    i++;
                }
                tokens += (i - start + 2) / 3;
            } else if (c < 0x80) {
                int start = i;
                while (i < n && text.charAt(i) < 0x80 && !Character.isLetterOrDigit(text.charAt(i))
                        && !Character.isWhitespace(text.charAt(i))) {
                    i++;
                }
                tokens += (i - start + 1) / 2;
            } else {
                tokens++; // a non-ASCII char (CJK, accented letter, half an emoji): about one token each
                i++;
            }
        }
        return tokens;
    }

    private static boolean isAsciiLetter(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Whether a run of at least {@link #BLOB_RUN} non-blank ASCII chars from {@code at} mixes cases and digits. */
    private static boolean isBlob(String text, int at) {
        boolean upper = false;
        boolean lower = false;
        boolean digit = false;
        int i = at;
        while (i < text.length() && i - at < 256) {
            char c = text.charAt(i);
            if (Character.isWhitespace(c) || c >= 0x80) {
                break;
            }
            upper |= c >= 'A' && c <= 'Z';
            lower |= c >= 'a' && c <= 'z';
            digit |= isDigit(c);
            i++;
        }
        return i - at >= BLOB_RUN && upper && lower && digit;
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
     * An upper bound of {@link #count(List)} and of the real o200k count: a byte-level BPE token covers at least one
     * UTF-8 byte, so a message has at most as many tokens as bytes (plus framing). Cheaper than
     * {@link #count(List)}: one pass over the chars without classifying them.
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
