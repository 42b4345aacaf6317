package dev.minilab.testkit;

import java.util.Objects;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class one {@link RedisServer}, started before the first test and closed after the last, and
 * injects it into constructor, lifecycle and test method parameters of type {@code RedisServer}.
 *
 * <p>Use {@code @ExtendWith(RedisExtension.class)} for default options, or
 * {@code @RegisterExtension static final RedisExtension REDIS = new RedisExtension(options)} for AOF, password or
 * a data dir. Nested classes share their enclosing class's server.
 */
public final class RedisExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RedisExtension.class);
    private static final String KEY = "server";

    private final RedisServer.Options options;

    /** Uses {@link RedisServer.Options#defaults()}. */
    public RedisExtension() {
        this(RedisServer.Options.defaults());
    }

    public RedisExtension(RedisServer.Options options) {
        this.options = Objects.requireNonNull(options, "options");
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        server(context);
    }

    /** Returns the server of the test class running in {@code context}, starting it on first use. */
    public RedisServer server(ExtensionContext context) {
        // Stored in the class-level store: JUnit closes it (AutoCloseable) when the class finishes.
        return ClassContexts.classContextOf(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> RedisServer.start(options), RedisServer.class);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == RedisServer.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return server(extensionContext);
    }
}
