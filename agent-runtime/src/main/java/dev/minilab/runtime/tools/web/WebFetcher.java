package dev.minilab.runtime.tools.web;

import dev.minilab.runtime.MiniLabException;
import dev.minilab.runtime.control.Cancellation;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hc.client5.http.DnsResolver;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.CloseableHttpResponse;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.util.Timeout;

/**
 * Fetches one web page: http(s) GET only, at most {@link #MAX_REDIRECTS} redirects (each checked again), a size cap,
 * a timeout for the whole fetch, no credentials in URLs, and only addresses {@link NetworkTargets} allows. The name is
 * resolved once, by the guard, and the connection goes to exactly the addresses it checked (no second lookup a DNS
 * answer could change), without any proxy. Knows nothing of models; {@link HtmlText} turns the HTML into text.
 */
public final class WebFetcher {

    public static final int MAX_REDIRECTS = 5;
    public static final int DEFAULT_MAX_BYTES = 2_000_000;

    /** A fetched page. */
    public record Page(URI url, int status, String contentType, String body, boolean truncated) { }

    private static final Pattern CHARSET = Pattern.compile("(?i)charset=\"?([A-Za-z0-9_\\-]+)");
    private static final ScheduledExecutorService DEADLINES = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "fetch_webpage-deadline");
        t.setDaemon(true);
        return t;
    });

    private final Duration timeout;
    private final int maxBytes;
    private final NetworkTargets targets;
    private CloseableHttpClient client;

    public WebFetcher(Duration timeout, int maxBytes, NetworkTargets targets) {
        this.timeout = timeout;
        this.maxBytes = maxBytes;
        this.targets = java.util.Objects.requireNonNull(targets, "targets");
    }

    public Duration timeout() {
        return timeout;
    }

    /**
     * Fetches {@code url}.
     *
     * @throws MiniLabException for a refused URL or address, too many redirects, a timeout, STOP or a network failure
     */
    public Page fetch(String url, Cancellation cancellation) {
        URI uri = check(url);
        client(); // TLS set-up on first use is not part of the page's time
        long deadline = System.nanoTime() + timeout.toNanos();
        for (int hop = 0; ; hop++) {
            targets.check(uri.getHost(), port(uri)); // refuses before any connection; the resolver checks again
            Fetched fetched = send(uri, deadline, cancellation);
            if (fetched.status >= 300 && fetched.status < 400 && fetched.location != null) {
                if (hop >= MAX_REDIRECTS) {
                    throw new MiniLabException("more than " + MAX_REDIRECTS + " redirects starting at " + url
                            + "; fetch the final address directly");
                }
                uri = check(uri.resolve(fetched.location).toString());
                continue;
            }
            return new Page(uri, fetched.status, fetched.contentType, new String(fetched.body,
                    charset(fetched.contentType)), fetched.truncated);
        }
    }

    private record Fetched(int status, String location, String contentType, byte[] body, boolean truncated) { }

    private Fetched send(URI uri, long deadline, Cancellation cancellation) {
        long remaining = deadline - System.nanoTime();
        if (remaining <= 0) {
            throw new MiniLabException("fetching " + uri + " timed out after " + timeout.toSeconds() + " s");
        }
        Timeout left = Timeout.ofMilliseconds(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
        HttpGet get = new HttpGet(uri);
        get.setHeader("User-Agent", "MiniLab-fetch_webpage/0.1");
        get.setHeader("Accept", "text/html,text/plain,application/json;q=0.9,*/*;q=0.5");
        AtomicReference<String> why = new AtomicReference<>();
        ScheduledFuture<?> timer = DEADLINES.schedule(() -> {
            why.compareAndSet(null, "timed out after " + timeout.toSeconds() + " s");
            get.cancel();
        }, remaining, TimeUnit.NANOSECONDS);
        get.setConfig(RequestConfig.custom().setRedirectsEnabled(false).setResponseTimeout(left)
                .setConnectionRequestTimeout(left).build());
        try (Cancellation.Registration ignored = cancellation.onCancel(() -> {
                 why.compareAndSet(null, "was stopped by STOP");
                 get.cancel();
             });
             CloseableHttpResponse response = client().execute(get)) {
            int status = response.getCode();
            Header location = response.getFirstHeader("Location");
            HttpEntity entity = response.getEntity();
            String contentType = entity == null || entity.getContentType() == null ? ""
                    : entity.getContentType();
            if (status >= 300 && status < 400 && location != null) {
                return new Fetched(status, location.getValue(), contentType, new byte[0], false);
            }
            byte[] bytes = new byte[0];
            boolean truncated = false;
            if (entity != null) {
                try (InputStream in = entity.getContent()) {
                    ByteArrayOutputStream out = new ByteArrayOutputStream();
                    byte[] chunk = new byte[16384];
                    int n = 0;
                    while (out.size() < maxBytes && (n = in.read(chunk)) >= 0) {
                        out.write(chunk, 0, Math.min(n, maxBytes - out.size()));
                    }
                    truncated = n >= 0 && out.size() >= maxBytes;
                    bytes = out.toByteArray();
                }
            }
            return new Fetched(status, null, contentType, bytes, truncated);
        } catch (MiniLabException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            if (why.get() != null) {
                throw new MiniLabException("fetching " + uri + " " + why.get());
            }
            Throwable refused = e;
            while (refused != null && !(refused instanceof TargetRefused)) {
                refused = refused.getCause();
            }
            if (refused != null) {
                throw new MiniLabException(refused.getMessage());
            }
            if (e instanceof InterruptedIOException || e instanceof java.net.SocketTimeoutException) {
                throw new MiniLabException("fetching " + uri + " timed out after " + timeout.toSeconds() + " s");
            }
            throw new MiniLabException("fetching " + uri + " failed: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } finally {
            timer.cancel(false);
        }
    }

    /**
     * The one client of this fetcher (made on first use: TLS set-up takes a while): no proxy, no retries, no
     * redirects, no cookies, and the guard as its resolver.
     */
    private synchronized CloseableHttpClient client() {
        if (client == null) {
            Timeout all = Timeout.ofMilliseconds(timeout.toMillis());
            client = HttpClients.custom()
                    .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create()
                            .setDnsResolver(new GuardedResolver())
                            .setDefaultConnectionConfig(ConnectionConfig.custom().setConnectTimeout(all)
                                    .setSocketTimeout(all).setTimeToLive(Timeout.ofSeconds(30)).build())
                            .build())
                    .disableRedirectHandling().disableAutomaticRetries().disableCookieManagement()
                    .disableAuthCaching().disableContentCompression()
                    .build();
        }
        return client;
    }

    /** Thrown by the resolver when the guard refuses an address; unwrapped into the tool's message. */
    private static final class TargetRefused extends UnknownHostException {
        TargetRefused(String message) {
            super(message);
        }
    }

    /** Resolves through the guard: a connection can only go to an address checked for its port. */
    private final class GuardedResolver implements DnsResolver {

        @Override
        public InetAddress[] resolve(String name) throws UnknownHostException {
            return checked(name, 0).toArray(InetAddress[]::new); // no port known: loopback entries never match
        }

        @Override
        public List<InetSocketAddress> resolve(String name, int port) throws UnknownHostException {
            return checked(name, port).stream().map(a -> new InetSocketAddress(a, port)).toList();
        }

        private List<InetAddress> checked(String name, int port) throws UnknownHostException {
            String n = name.startsWith("[") ? name.substring(1, name.length() - 1) : name;
            try {
                return targets.check(n, port);
            } catch (MiniLabException e) {
                throw new TargetRefused(e.getMessage() + "; nothing was sent");
            }
        }

        @Override
        public String resolveCanonicalHostname(String name) {
            return name;
        }
    }

    private static int port(URI uri) {
        return uri.getPort() >= 0 ? uri.getPort() : uri.getScheme().equalsIgnoreCase("https") ? 443 : 80;
    }

    /** Parses and checks a URL: http(s), a host, no user info. Addresses are checked by {@link NetworkTargets}. */
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
}
