package dev.minilab.runtime.tools.web;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Fetches one web page: http(s) GET only, at most {@link #MAX_REDIRECTS} redirects (each checked again), a size cap,
 * a timeout for the whole fetch, no credentials in URLs, and no link-local addresses (cloud metadata). Knows nothing
 * of models; {@link HtmlText} turns the HTML into text.
 */
public final class WebFetcher {

    public static final int MAX_REDIRECTS = 5;
    public static final int DEFAULT_MAX_BYTES = 2_000_000;

    /** A fetched page. */
    public record Page(URI url, int status, String contentType, String body, boolean truncated) { }

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9_\\-]+)");

    private final HttpClient client;
    private final Duration timeout;
    private final int maxBytes;

    public WebFetcher(Duration timeout, int maxBytes) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.client = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER)
                .connectTimeout(timeout).build();
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Fetches {@code url}.
     *
     * @throws MiniLabException for a refused URL, too many redirects, a timeout, STOP or a network failure
     */
    public Page fetch(String url, Cancellation cancellation) {
        URI uri = check(url);
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int hop = 0; ; hop++) {
            HttpResponse<InputStream> response = send(uri, deadline, cancellation);
            int status = response.statusCode();
            if (status >= 300 && status < 400 && response.headers().firstValue("Location").isPresent()) {
                closeQuietly(response.body());
                if (hop >= MAX_REDIRECTS) {
                    throw new MiniLabException("more than " + MAX_REDIRECTS + " redirects starting at " + url
                            + "; fetch the final address directly");
                }
                uri = check(uri.resolve(response.headers().firstValue("Location").get()).toString());
                continue;
            }
            String contentType = response.headers().firstValue("Content-Type").orElse("");
            byte[] bytes;
            boolean truncated;
            try (InputStream in = response.body()) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                byte[] chunk = new byte[16384];
                int n;
                while ((n = in.read(chunk)) >= 0 && out.size() < maxBytes) {
                    out.write(chunk, 0, Math.min(n, maxBytes - out.size()));
                }
                truncated = n >= 0;
                bytes = out.toByteArray();
            } catch (IOException e) {
                throw new MiniLabException("reading " + uri + " failed: " + e.getMessage());
            }
            return new Page(uri, status, contentType, new String(bytes, charset(contentType)), truncated);
        }
    }

    private HttpResponse<InputStream> send(URI uri, long deadline, Cancellation cancellation) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new MiniLabException("fetching " + uri + " timed out after " + timeout.toSeconds() + " s");
        }
        HttpRequest request = HttpRequest.newBuilder(uri).GET().timeout(Duration.ofNanos(remaining))
                .header("User-Agent", "MiniLab-fetch_webpage/0.1")
                .header("Accept", "text/html,text/plain,application/json;q=0.9,*/*;q=0.5").build();
        CompletableFuture<HttpResponse<InputStream>> future =
                client.sendAsync(request, HttpResponse.BodyHandlers.ofInputStream());
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> future.cancel(true))) {
            return future.get(remaining, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new MiniLabException("fetching " + uri + " timed out after " + timeout.toSeconds() + " s");
        } catch (CancellationException e) {
            throw new MiniLabException("fetching " + uri + " was stopped by STOP");
        } catch (ExecutionException e) {
            if (cancellation.isCancelled()) {
                throw new MiniLabException("fetching " + uri + " was stopped by STOP");
            }
            Throwable cause = e.getCause();
            if (cause instanceof java.net.http.HttpTimeoutException) {
                throw new MiniLabException("fetching " + uri + " timed out after " + timeout.toSeconds() + " s");
            }
            throw new MiniLabException("fetching " + uri + " failed: " + (cause == null ? e : cause.getClass()
                    .getSimpleName() + (cause.getMessage() == null ? "" : " " + cause.getMessage())));
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new MiniLabException("fetching " + uri + " was interrupted");
        }
    }

    /** Parses and checks a URL: http(s), a host, no user info, not link-local. */
    static URI check(String url) {
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new MiniLabException("'" + url + "' is not a valid URL: " + e.getReason());
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            throw new MiniLabException("only http:// and https:// URLs can be fetched, not '" + url + "'");
        }
        if (uri.getHost() == null || uri.getHost().isBlank()) {
            throw new MiniLabException("'" + url + "' has no host");
        }
        if (uri.getRawUserInfo() != null) {
            throw new MiniLabException("URLs with a user or password are not fetched; remove the user@ part");
        }
        try {
            for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
                if (address.isLinkLocalAddress()) {
                    throw new MiniLabException("'" + uri.getHost() + "' is a link-local address (cloud metadata "
                            + "services live there); it is not fetched");
                }
            }
        } catch (UnknownHostException e) {
            throw new MiniLabException("host '" + uri.getHost() + "' does not resolve");
        }
        return uri;
    }

    private static Charset charset(String contentType) {
        Matcher m = CHARSET.matcher(contentType);
        if (m.find()) {
            try {
                return Charset.forName(m.group(1));
            } catch (IllegalArgumentException e) {
                return StandardCharsets.UTF_8;
            }
        }
        return StandardCharsets.UTF_8;
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            // a redirect body we never read
        }
    }
}
