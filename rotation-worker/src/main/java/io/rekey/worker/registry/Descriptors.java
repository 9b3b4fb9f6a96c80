package io.rekey.worker.registry;

import io.rekey.schema.SecretDescriptor;

import java.util.Optional;

/** The registry as the worker sees it: the latest descriptor of each secret. */
@FunctionalInterface
public interface Descriptors {

    /** The descriptor of {@code secretId}, or empty if it is not registered (or was purged). */
    Optional<SecretDescriptor> find(String secretId);
}
