package dev.minilab.runtime.faults;

import dev.minilab.testkit.RedisServer;
import dev.minilab.testkit.ScriptedLlmServer;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The servers of a fault test, fresh for every test: a redis-server child (a real process, so the test can kill -9
 * and restart it or cut its clients) and a scripted LLM; both are closed after the test, after its own
 * {@code @AfterEach} methods.
 *
 * <p>Register it on an instance field, {@code @RegisterExtension final FaultServers servers =
 * FaultServers.durable("pw");}: JUnit makes a test instance (and so new servers) per test method. The servers run from
 * construction on, so fields of the test can hold them.
 */
final class FaultServers implements AfterEachCallback {

    private final RedisServer redis;
    private final ScriptedLlmServer llm;

    private FaultServers(RedisServer.Options options) {
        this.redis = RedisServer.start(options.withStrategies(RedisServer.Kind.PROCESS));
        try {
            this.llm = ScriptedLlmServer.start();
        } catch (RuntimeException e) {
            redis.close();
            throw e;
        }
    }

    /** A Redis that loses no acknowledged write to kill -9 (AOF, appendfsync always), with {@code password}. */
    static FaultServers durable(String password) {
        return new FaultServers(RedisServer.Options.defaults().withAppendOnly(true).withAppendFsync("always")
                .withPassword(password));
    }

    /** A Redis with {@code password} and default persistence. */
    static FaultServers withPassword(String password) {
        return new FaultServers(RedisServer.Options.defaults().withPassword(password));
    }

    RedisServer redis() {
        return redis;
    }

    ScriptedLlmServer llm() {
        return llm;
    }

    @Override
    public void afterEach(ExtensionContext context) {
        try {
            llm.close();
        } finally {
            redis.close();
        }
    }
}
