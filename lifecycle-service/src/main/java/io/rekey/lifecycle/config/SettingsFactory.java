package io.rekey.lifecycle.config;

import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.core.value.PropertyResolver;
import io.rekey.lifecycle.compliance.CompliancePolicy;
import io.rekey.lifecycle.registry.ValidationLimits;
import io.rekey.schema.Criticality;
import jakarta.inject.Singleton;

import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;

/**
 * Reads and validates {@code rekey.lifecycle.*} at start-up ({@link Context}), so a bad setting stops the service
 * with a message naming the key, its environment variable and what is allowed. Defaults live in
 * {@code application.yml}; every key has an environment variable (key upper-cased, dots and dashes as
 * underscores, for example {@code REKEY_LIFECYCLE_ISSUER_KEY_FILE}).
 */
@Factory
public class SettingsFactory {

    static final String PREFIX = "rekey.lifecycle.";

    @Context
    @Singleton
    LifecycleSettings lifecycleSettings(PropertyResolver properties) {
        Settings s = new Settings(properties);
        Path keyFile = Path.of(s.required("issuer-key-file",
                "the Ed25519 private key (PEM PKCS#8, as `openssl genpkey -algorithm ed25519` writes) that signs rotation commands"));
        String keyId = s.required("issuer-key-id", "the id under which the rotation worker trusts the issuer key");
        String instanceId = s.text("instance-id", null);
        if (instanceId == null) {
            instanceId = UUID.randomUUID().toString();
        } else if (!instanceId.matches("[A-Za-z0-9._-]{1,100}")) {
            throw s.invalid("instance-id", instanceId, "letters, digits, '.', '_' and '-', at most 100");
        }
        int minInterval = s.integer("policy.min-interval-days", 1, 1, 3650);
        int maxInterval = s.integer("policy.max-interval-days", 730, minInterval, 3650);
        Map<Criticality, Duration> byCriticality = new EnumMap<>(Criticality.class);
        for (Criticality c : new Criticality[] {Criticality.CRITICAL, Criticality.HIGH, Criticality.MEDIUM, Criticality.LOW}) {
            String key = "compliance.max-age." + c.name().toLowerCase(Locale.ROOT);
            Duration maxAge = s.duration(key, null);
            if (maxAge != null) {
                byCriticality.put(c, maxAge);
            }
        }
        return new LifecycleSettings(keyFile, keyId, instanceId,
                s.text("scheduler-principal", "rekey-lifecycle-scheduler"),
                s.text("scheduler-group", "rekey-lifecycle-scheduler"),
                s.duration("tick-interval", "15s"),
                s.durations("expiry.lead-times", "30d,7d,1d"),
                s.duration("recovery-window", "30d"),
                s.bool("purge-protection", false),
                s.duration("command-timeout", "1h"),
                s.duration("write-timeout", "10s"),
                s.integer("history-limit", 500, 10, 100_000),
                s.integer("rotation-limit", 50, 5, 10_000),
                new ValidationLimits(minInterval, maxInterval,
                        s.duration("policy.min-cron-gap", "1h"),
                        s.duration("policy.max-grace-period", "30d")),
                new CompliancePolicy(
                        s.duration("compliance.max-age.default", "365d"),
                        byCriticality,
                        s.duration("compliance.expiring-soon", "30d"),
                        s.duration("compliance.unused-for", "90d")));
    }

    /** Typed reads with messages that name the key and its environment variable. */
    static final class Settings {
        private final PropertyResolver properties;

        Settings(PropertyResolver properties) {
            this.properties = properties;
        }

        static String name(String key) {
            return PREFIX + key + " (" + env(key) + ")";
        }

        static String env(String key) {
            return (PREFIX + key).toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }

        String text(String key, String defaultValue) {
            return properties.get(PREFIX + key, String.class).map(String::trim).filter(v -> !v.isEmpty()).orElse(defaultValue);
        }

        String required(String key, String what) {
            String value = text(key, null);
            if (value == null) {
                throw new IllegalStateException(name(key) + " is not set: it must name " + what);
            }
            return value;
        }

        IllegalStateException invalid(String key, String value, String allowed) {
            return new IllegalStateException(name(key) + " is '" + value + "'; allowed: " + allowed);
        }

        /** A positive duration; {@code defaultValue} when unset (null: none). */
        Duration duration(String key, String defaultValue) {
            String value = text(key, defaultValue);
            if (value == null) {
                return null;
            }
            try {
                return Durations.positive(name(key), value);
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        java.util.List<Duration> durations(String key, String defaultValue) {
            String value = text(key, defaultValue);
            try {
                java.util.List<Duration> list = Durations.positiveList(name(key), value);
                if (java.util.Set.copyOf(list).size() != list.size()) {
                    throw new IllegalStateException(name(key) + " lists a lead time twice: " + value);
                }
                return list;
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(e.getMessage(), e);
            }
        }

        int integer(String key, int defaultValue, int min, int max) {
            String value = text(key, null);
            if (value == null) {
                return defaultValue;
            }
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    throw invalid(key, value, "a whole number from " + min + " to " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw invalid(key, value, "a whole number from " + min + " to " + max);
            }
        }

        boolean bool(String key, boolean defaultValue) {
            String value = text(key, null);
            if (value == null) {
                return defaultValue;
            }
            if (!value.equalsIgnoreCase("true") && !value.equalsIgnoreCase("false")) {
                throw invalid(key, value, "true or false");
            }
            return Boolean.parseBoolean(value);
        }
    }
}
