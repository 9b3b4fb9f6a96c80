package io.rekey.audit.app;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.env.Environment;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import jakarta.inject.Singleton;

/**
 * Binds {@code rekey.audit.*} (application.yml, overridden by REKEY_AUDIT_* environment variables) to the plain
 * {@link AuditConfig}. Built at start-up, so a bad value stops the service with a message naming the setting.
 */
@Factory
public class AuditConfigFactory {

    @Context
    @Singleton
    AuditConfig auditConfig(Environment environment) {
        return AuditSettings.parse(key -> environment.getProperty(key, String.class).orElse(null));
    }
}
