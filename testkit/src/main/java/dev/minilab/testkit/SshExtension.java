package dev.minilab.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives each test class one {@link SshTarget}, started before the first test and closed (its folder deleted) after
 * the last, and injects it into constructor, lifecycle and test method parameters of type {@code SshTarget}.
 *
 * <p>Use {@code @ExtendWith(SshExtension.class)}; nested classes share their enclosing class's sshd.
 */
public final class SshExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(SshExtension.class);
    private static final String KEY = "sshd";

    @Override
    public void beforeAll(ExtensionContext context) {
        target(context);
    }

    /** Returns the sshd of the test class running in {@code context}, starting it on first use. */
    public SshTarget target(ExtensionContext context) {
        // Stored in the class-level store: JUnit closes it (AutoCloseable) when the class finishes.
        return ClassContexts.classContextOf(context).getStore(NAMESPACE)
                .getOrComputeIfAbsent(KEY, key -> Started.start(), Started.class).target();
    }

    @Override
    public boolean supportsParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return parameterContext.getParameter().getType() == SshTarget.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameterContext, ExtensionContext extensionContext) {
        return target(extensionContext);
    }

    /** A running sshd and the temporary folder that holds its keys, config and log. */
    private record Started(SshTarget target, Path dir) implements AutoCloseable {

        static Started start() {
            Path dir;
            try {
                dir = Files.createTempDirectory("minilab-sshd-");
            } catch (IOException e) {
                throw new UncheckedIOException("could not create a folder for sshd", e);
            }
            try {
                return new Started(SshTarget.start(dir.resolve("sshd")), dir);
            } catch (RuntimeException e) {
                Dirs.deleteRecursively(dir);
                throw e;
            }
        }

        @Override
        public void close() {
            try {
                target.close();
            } finally {
                Dirs.deleteRecursively(dir);
            }
        }
    }
}
