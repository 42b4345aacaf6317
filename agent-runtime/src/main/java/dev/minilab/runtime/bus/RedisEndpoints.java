package dev.minilab.runtime.bus;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.SslOptions;
import io.lettuce.core.SslVerifyMode;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns {@link BusSettings} into what Lettuce needs: the URI ({@code redis://}, {@code rediss://} for TLS,
 * {@code redis-sentinel://} / {@code rediss-sentinel://} with a master name) and client options with the TLS trust and
 * key material (issue 13). A Sentinel URI makes Lettuce ask the sentinels for the current master on every (re)connect,
 * so the connections, including the subscription, follow a failover.
 */
public final class RedisEndpoints {

    private static final Logger LOG = LoggerFactory.getLogger(TeamBus.class);

    private RedisEndpoints() {
    }

    /** The scheme of {@code uri} in lower case ("" when there is none). */
    static String scheme(String uri) {
        int colon = uri.indexOf("://");
        return colon < 0 ? "" : uri.substring(0, colon).toLowerCase(Locale.ROOT);
    }

    /** Whether {@code uri} asks for TLS ({@code rediss://} or {@code rediss-sentinel://}). */
    public static boolean isTls(String uri) {
        String scheme = scheme(uri);
        return scheme.equals("rediss") || scheme.equals("rediss-sentinel");
    }

    /** Whether {@code uri} names sentinels and a master rather than one server. */
    public static boolean isSentinel(String uri) {
        return scheme(uri).endsWith("-sentinel");
    }

    /** The Lettuce URI for {@code settings}, with the command timeout and the peer verification applied. */
    static RedisURI uri(BusSettings settings) {
        RedisURI uri = RedisURI.create(settings.redisUri());
        uri.setTimeout(settings.commandTimeout());
        if (uri.isSsl()) {
            SslVerifyMode mode = settings.tls().insecure() ? SslVerifyMode.NONE : SslVerifyMode.FULL;
            uri.setVerifyPeer(mode);
            uri.getSentinels().forEach(sentinel -> sentinel.setVerifyPeer(mode));
        }
        uri.getSentinels().forEach(sentinel -> {
            sentinel.setTimeout(settings.commandTimeout());
            if (settings.sentinelPassword() != null) {
                sentinel.setPassword(settings.sentinelPassword().toCharArray());
            }
        });
        return uri;
    }

    /** Client options: auto-reconnect, PING on activation, {@code disconnected} behaviour and TLS material. */
    static ClientOptions options(BusSettings settings, ClientOptions.DisconnectedBehavior disconnected) {
        ClientOptions.Builder builder = ClientOptions.builder()
                .autoReconnect(true)
                .pingBeforeActivateConnection(true)
                .disconnectedBehavior(disconnected)
                .socketOptions(SocketOptions.builder().connectTimeout(settings.commandTimeout()).build());
        if (isTls(settings.redisUri())) {
            builder.sslOptions(sslOptions(settings.tls()));
        }
        return builder.build();
    }

    private static SslOptions sslOptions(RedisTls tls) {
        SslOptions.Builder ssl = SslOptions.builder().jdkSslProvider();
        if (tls.caFile() != null) {
            ssl.trustManager(tls.caFile().toFile());
        }
        if (tls.mutual()) {
            ssl.keyManager(tls.certFile().toFile(), tls.keyFile().toFile(), null);
        }
        return ssl.build();
    }

    /** Logs what the TLS settings mean once per connect: a warning when the broker's certificate is not checked. */
    static void announce(BusSettings settings, RedisURI uri) {
        if (!uri.isSsl()) {
            return;
        }
        RedisTls tls = settings.tls();
        if (tls.insecure()) {
            LOG.warn("REDIS_TLS_INSECURE=true: the certificate of Redis at {} is NOT verified, so anyone on the path "
                    + "can pose as the broker and read every message and password. Set REDIS_TLS_CA_FILE to the CA "
                    + "that signed it and remove REDIS_TLS_INSECURE.", describe(uri));
        } else {
            LOG.info("Redis over TLS at {}: certificate verified against {}{}", describe(uri),
                    tls.caFile() == null ? "the JVM's default trust store" : tls.caFile(),
                    tls.mutual() ? ", client certificate " + tls.certFile() : "");
        }
    }

    /** Where the broker is, for messages: host:port, or the master name and the sentinels (never the password). */
    static String describe(RedisURI uri) {
        String tls = uri.isSsl() ? " (TLS)" : "";
        if (uri.getSentinelMasterId() != null) {
            return "Sentinel master '" + uri.getSentinelMasterId() + "' via " + uri.getSentinels().stream()
                    .map(s -> s.getHost() + ":" + s.getPort()).collect(Collectors.joining(",")) + tls;
        }
        return uri.getHost() + ":" + uri.getPort() + tls;
    }
}
