package io.rekey.worker.app;

import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.context.annotation.Requires;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetRegistry;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Test wiring: the worker's real adapters, each able to stop before an operation of one secret until the test lets
 * it go, so a test can act at the target at a known point (change it behind the worker's back between deploy and
 * verify, or check the old credential while the grace period runs, just before cleanup).
 */
@Factory
@Requires(property = "rekey.test.target-gates", value = "true")
public class TargetGates {

    private static final Duration HOLD_LIMIT = Duration.ofSeconds(90);
    private static final Map<String, Gate> GATES = new ConcurrentHashMap<>();

    /** A one-shot stop before one operation (verify, cleanup, ...) of one secret. */
    public static final class Gate {
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch released = new CountDownLatch(1);

        /** Waits until the worker stands at the gate. */
        public void awaitEntered(Duration timeout) {
            try {
                if (!entered.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    throw new AssertionError("the worker did not reach the gate within " + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted");
            }
        }

        public void release() {
            released.countDown();
        }

        private void pass() {
            entered.countDown();
            try {
                released.await(HOLD_LIMIT.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Stops the next {@code operation} of {@code secretId} until the returned gate is released. */
    public static Gate hold(String secretId, String operation) {
        Gate gate = new Gate();
        GATES.put(secretId + "#" + operation, gate);
        return gate;
    }

    @Singleton
    @Replaces(TargetRegistry.class)
    TargetRegistry gatedTargets(TargetServices services, Clock clock) {
        return new TargetRegistry(WorkerFactory.adapters(services, clock).stream().map(TargetGates::gated).toList());
    }

    private static void at(TargetContext context, String operation) {
        Gate gate = GATES.remove(context.secretId() + "#" + operation);
        if (gate != null) {
            gate.pass();
        }
    }

    private static RotationTarget gated(RotationTarget real) {
        return new RotationTarget() {
            @Override
            public TargetKind kind() {
                return real.kind();
            }

            @Override
            public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
                return real.credentialPolicy(descriptor);
            }

            @Override
            public void validate(SecretDescriptor descriptor) {
                real.validate(descriptor);
            }

            @Override
            public SecretValue generate(TargetContext context, CredentialGenerator generator) {
                at(context, "generate");
                return real.generate(context, generator);
            }

            @Override
            public void deploy(TargetContext context) {
                at(context, "deploy");
                real.deploy(context);
            }

            @Override
            public void verify(TargetContext context) {
                at(context, "verify");
                real.verify(context);
            }

            @Override
            public void rollback(TargetContext context) {
                at(context, "rollback");
                real.rollback(context);
            }

            @Override
            public void cleanup(TargetContext context) {
                at(context, "cleanup");
                real.cleanup(context);
            }
        };
    }
}
