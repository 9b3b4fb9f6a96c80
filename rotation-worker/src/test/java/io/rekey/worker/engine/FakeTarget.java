package io.rekey.worker.engine;

import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** A target that remembers which credential it holds and fails on demand. */
final class FakeTarget implements RotationTarget {

    /** The credential the target accepts now. */
    volatile String active;
    final List<String> calls = new ArrayList<>();
    final List<String> valuesSeen = new ArrayList<>();
    final Deque<RuntimeException> deployFailures = new ArrayDeque<>();
    final Deque<RuntimeException> verifyFailures = new ArrayDeque<>();
    final Deque<RuntimeException> rollbackFailures = new ArrayDeque<>();
    final Deque<RuntimeException> cleanupFailures = new ArrayDeque<>();
    volatile CountDownLatch blockDeploy;
    /** Thrown by validate, when set: the descriptor cannot be rotated by this adapter. */
    volatile RuntimeException invalid;
    /** When set, the new value is this function of CURRENT's value (absent: none) and a freshly generated one. */
    volatile java.util.function.BiFunction<String, String, String> shape;
    /** What rollback and cleanup were given besides pending, as "operation:current:previous". */
    final List<String> contexts = new ArrayList<>();

    FakeTarget(String active) {
        this.active = active;
    }

    @Override
    public TargetKind kind() {
        return TargetKind.POSTGRESQL;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return CredentialPolicy.DATABASE_PASSWORD;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        if (invalid != null) {
            throw invalid;
        }
    }

    @Override
    public SecretValue generate(TargetContext context, CredentialGenerator generator) {
        SecretValue fresh = RotationTarget.super.generate(context, generator);
        if (shape == null) {
            return fresh;
        }
        return SecretValue.of(shape.apply(context.current().map(SecretValue::reveal).orElse(null), fresh.reveal()));
    }

    @Override
    public synchronized void deploy(TargetContext context) {
        calls.add("deploy");
        await(blockDeploy);
        fail(deployFailures);
        active = seen(context.requirePending());
    }

    @Override
    public synchronized void verify(TargetContext context) {
        calls.add("verify");
        fail(verifyFailures);
        if (!seen(context.requirePending()).equals(active)) {
            throw TargetException.retryable("login with the new credential failed");
        }
    }

    @Override
    public synchronized void rollback(TargetContext context) {
        calls.add("rollback");
        contexts.add("rollback:" + describe(context));
        fail(rollbackFailures);
        active = seen(context.current().orElseThrow());
    }

    @Override
    public synchronized void cleanup(TargetContext context) {
        calls.add("cleanup:" + context.previous().map(this::seen).orElse("none"));
        contexts.add("cleanup:" + describe(context));
        fail(cleanupFailures);
    }

    private static String describe(TargetContext context) {
        return context.current().map(SecretValue::reveal).orElse("none") + ":" + context.previous().map(SecretValue::reveal).orElse("none");
    }

    private String seen(SecretValue value) {
        String text = value.reveal();
        valuesSeen.add(text);
        return text;
    }

    private static void fail(Deque<RuntimeException> failures) {
        RuntimeException next = failures.poll();
        if (next != null) {
            throw next;
        }
    }

    private static void await(CountDownLatch latch) {
        if (latch == null) {
            return;
        }
        try {
            latch.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TargetException.retryable("interrupted");
        }
    }
}
