package dev.minilab.testkit;

/** One way of providing a Redis server to a {@link RedisServer}. */
sealed interface RedisBackend extends AutoCloseable
        permits RedisProcessBackend, RedisContainerBackend, RedisExternalBackend {

    String host();

    int port();

    /** Kills the server abruptly (SIGKILL); the port refuses connections afterwards. */
    void kill9();

    /** Starts the server again on the same port with the same data directory. */
    void restart();

    /** Returns where to look when something went wrong (a log path or a container id). */
    String describe();

    @Override
    void close();
}
