package io.rekey.worker.target;

import io.rekey.schema.LifecycleEventType;

import java.util.Map;

/**
 * Facts about a secret an adapter learns outside the rotation phases (a lease issued, renewed or revoked), recorded
 * as LifecycleEvents on {@code rekey.lifecycle.events}. Details are non-secret facts only: ids, durations, times.
 */
@FunctionalInterface
public interface LifecycleFacts {

    void record(String secretId, LifecycleEventType type, String rotationId, String reason, Map<String, String> details);

    LifecycleFacts NONE = (secretId, type, rotationId, reason, details) -> { };
}
