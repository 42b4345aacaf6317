package dev.minilab.testkit;

import org.junit.jupiter.api.extension.ExtensionContext;

/** Where the class-scoped fixtures of this kit (Redis, sshd) keep what they start. */
final class ClassContexts {

    private ClassContexts() {
    }

    /**
     * The context of the test class {@code context} runs in (the method's parent; itself for a class): what is stored
     * there is shared by all tests of the class, nested classes included, and closed when the class finishes.
     */
    static ExtensionContext classContextOf(ExtensionContext context) {
        ExtensionContext current = context;
        while (current.getTestMethod().isPresent() && current.getParent().isPresent()) {
            current = current.getParent().get();
        }
        return current;
    }
}
