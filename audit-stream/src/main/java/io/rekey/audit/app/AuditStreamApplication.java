package io.rekey.audit.app;

import io.micronaut.runtime.Micronaut;

/** Starts the audit-stream service: the Kafka Streams job plus /health and /prometheus. */
public final class AuditStreamApplication {

    private AuditStreamApplication() {
    }

    public static void main(String[] args) {
        Micronaut.build(args).mainClass(AuditStreamApplication.class).banner(false).start();
    }
}
