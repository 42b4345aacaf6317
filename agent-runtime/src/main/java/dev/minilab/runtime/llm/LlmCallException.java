package dev.minilab.runtime.llm;

import dev.langchain4j.exception.HttpException;
import dev.langchain4j.exception.LangChain4jException;
import dev.langchain4j.exception.TimeoutException;

import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.UnresolvedAddressException;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A failed LLM call described in one line that names the endpoint and, for an HTTP error, its status
 * ({@code HTTP 501 from http://llm:8080/v1/chat/completions: Not Implemented}). It carries no cause, so no raw HTML
 * page or stack of wrapped exceptions reaches a message; the original is logged where it is caught.
 */
public final class LlmCallException extends RuntimeException {

    private static final int MAX_DETAIL = 160;
    private static final Pattern JSON_MESSAGE = Pattern.compile("\"message\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"");
    private static final Pattern TITLE = Pattern.compile("(?is)<title[^>]*>(.*?)</title>");

    private final int status;

    private LlmCallException(String message, int status) {
        super(message, null, false, false);
        this.status = status;
    }

    /** The HTTP status, or 0 when the call got no HTTP answer. */
    public int status() {
        return status;
    }

    /** Whether {@code error} is a failure of the call itself (HTTP, network, time-out) rather than of MiniLab. */
    static boolean isCallFailure(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof LangChain4jException || t instanceof IOException || t instanceof UnresolvedAddressException) {
                return true;
            }
        }
        return false;
    }

    /** Describes {@code error}, a failed call to {@code endpoint}, in one line. */
    public static LlmCallException describe(Throwable error, String endpoint) {
        Optional<HttpException> http = find(error, HttpException.class);
        if (http.isPresent()) {
            int code = http.get().statusCode();
            String detail = detail(http.get().getMessage());
            return new LlmCallException("HTTP " + code + " from " + endpoint + (detail.isEmpty() ? "" : ": " + detail), code);
        }
        if (find(error, UnknownHostException.class).isPresent() || find(error, UnresolvedAddressException.class).isPresent()) {
            return new LlmCallException("cannot resolve the host of " + endpoint + " (check OPENAI_API_BASE)", 0);
        }
        if (find(error, HttpConnectTimeoutException.class).isPresent()) {
            return new LlmCallException("no connection to " + endpoint + " within the connect time-out (is the LLM "
                    + "server reachable?)", 0);
        }
        if (find(error, ConnectException.class).isPresent() || find(error, ClosedChannelException.class).isPresent()) {
            return new LlmCallException("cannot connect to " + endpoint + " (connection refused or closed: is the LLM "
                    + "server running there?)", 0);
        }
        if (find(error, TimeoutException.class).isPresent() || find(error, HttpTimeoutException.class).isPresent()
                || find(error, InterruptedIOException.class).isPresent()) {
            return new LlmCallException("no answer from " + endpoint + " within LLM_TIMEOUT_SECONDS", 0);
        }
        String detail = detail(firstMessage(error));
        return new LlmCallException("call to " + endpoint + " failed: " + (detail.isEmpty()
                ? error.getClass().getSimpleName() : detail), 0);
    }

    /** One short line out of an error body: a JSON error message, an HTML title or text, else the first line. */
    static String detail(String body) {
        if (body == null || body.isBlank()) {
            return "";
        }
        String text = body.strip();
        Matcher json = JSON_MESSAGE.matcher(text);
        if (text.startsWith("{") && json.find()) {
            text = json.group(1).replace("\\\"", "\"");
        } else if (text.toLowerCase(Locale.ROOT).contains("<html") || text.startsWith("<")) {
            Matcher title = TITLE.matcher(text);
            text = title.find() ? title.group(1) : text.replaceAll("(?s)<[^>]*>", " ");
        }
        String line = text.replaceAll("\\s+", " ").strip();
        return line.length() > MAX_DETAIL ? line.substring(0, MAX_DETAIL - 1) + "…" : line;
    }

    private static String firstMessage(Throwable error) {
        for (Throwable t = error; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        return "";
    }

    private static <T extends Throwable> Optional<T> find(Throwable error, Class<T> type) {
        int depth = 0;
        for (Throwable t = error; t != null && depth++ < 20; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return Optional.of(type.cast(t));
            }
        }
        return Optional.empty();
    }
}
