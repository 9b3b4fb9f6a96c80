package io.rekey.testkit;

import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;

/**
 * Gives a test the JVM's one {@link RekeyStack}, starting it on first use and stopping it when the test
 * JVM finishes (the root store closes it). Use {@link RekeyIntegrationTest} on a test class, then take a
 * {@code RekeyStack} parameter in a constructor, a lifecycle method or a test.
 */
public final class RekeyStackExtension implements BeforeAllCallback, ParameterResolver {

    private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(RekeyStackExtension.class);

    @Override
    public void beforeAll(ExtensionContext context) {
        stack(context);
    }

    @Override
    public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
        return parameter.getParameter().getType() == RekeyStack.class;
    }

    @Override
    public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
        return stack(context);
    }

    static RekeyStack stack(ExtensionContext context) {
        return context.getRoot().getStore(NAMESPACE).getOrComputeIfAbsent(RekeyStack.class, k -> {
            try {
                return new ClosingStack(RekeyStack.start());
            } catch (Exception e) {
                throw new IllegalStateException("cannot start the rekey test stack: " + e.getMessage(), e);
            }
        }, ClosingStack.class).stack();
    }

    /** Lets JUnit close the stack when the root context (the whole test run in this JVM) ends. */
    private record ClosingStack(RekeyStack stack) implements ExtensionContext.Store.CloseableResource {
        @Override
        public void close() {
            stack.close();
        }
    }
}
