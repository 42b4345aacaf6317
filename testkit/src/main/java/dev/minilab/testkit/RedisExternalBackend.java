package dev.minilab.testkit;

import java.net.URI;

/** A server the fixture did not start ({@code REDIS_URL}); it can be neither killed nor restarted. */
final class RedisExternalBackend implements RedisBackend {

    private final URI uri;
    private final String password;

    RedisExternalBackend(String url) {
        this.uri = URI.create(url);
        if (!"redis".equals(uri.getScheme()) || uri.getHost() == null) {
            throw new IllegalArgumentException("REDIS_URL must look like redis://[:password@]host:port, got "
                    + uri.getScheme() + "://" + uri.getHost());
        }
        String userInfo = uri.getUserInfo(); // percent-decoded
        if (userInfo == null || userInfo.isEmpty()) {
            this.password = null;
        } else {
            int colon = userInfo.indexOf(':');
            this.password = colon >= 0 ? userInfo.substring(colon + 1) : userInfo;
        }
    }

    String password() {
        return password;
    }

    String url() {
        return uri.toString();
    }

    @Override
    public String host() {
        return uri.getHost();
    }

    @Override
    public int port() {
        return uri.getPort() > 0 ? uri.getPort() : 6379;
    }

    @Override
    public void kill9() {
        throw new UnsupportedOperationException("The Redis server from REDIS_URL is not owned by the test, so it "
                + "cannot be killed; install redis-server so the fixture can start its own");
    }

    @Override
    public void restart() {
        throw new UnsupportedOperationException("The Redis server from REDIS_URL is not owned by the test, so it "
                + "cannot be restarted; install redis-server so the fixture can start its own");
    }

    @Override
    public String describe() {
        return "external server from REDIS_URL at " + host() + ":" + port();
    }

    @Override
    public void close() {
        // Not ours: nothing to stop.
    }
}
