package io.rekey.schema.client;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Turns the {@code rekey.kafka.security.*} settings into Kafka client settings, checked at start-up: the protocol is
 * one Kafka knows, SASL has a mechanism and a JAAS file, and no password sits in plain configuration. The JAAS
 * configuration (which holds the principal's password) is only ever read from the file
 * {@code sasl.jaas.config.file} names ({@code REKEY_KAFKA_SASL_JAAS_CONFIG_FILE}), so it never shows in an
 * environment listing, a config dump or a log.
 */
public final class KafkaSecurity {

    /** Setting naming the file that holds the JAAS configuration. */
    public static final String JAAS_FILE = "sasl.jaas.config.file";
    private static final Set<String> PROTOCOLS = Set.of("PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL");
    private static final Set<String> MECHANISMS = Set.of("SCRAM-SHA-512", "SCRAM-SHA-256", "PLAIN", "OAUTHBEARER");

    private KafkaSecurity() {
    }

    /** Client settings from the configured ones (blank values count as unset); throws naming the bad setting. */
    public static Map<String, String> resolve(Map<String, String> configured) {
        Map<String, String> settings = new HashMap<>();
        if (configured != null) {
            configured.forEach((k, v) -> {
                if (v != null && !v.isBlank()) {
                    settings.put(k, v.trim());
                }
            });
        }
        for (String key : settings.keySet()) {
            if (key.equals("sasl.jaas.config") || key.endsWith(".password")) {
                throw new IllegalArgumentException("rekey.kafka.security." + key + " would put a password in plain configuration; "
                        + "put the JAAS configuration in a file readable only by the service and set "
                        + "REKEY_KAFKA_SASL_JAAS_CONFIG_FILE (rekey.kafka.security." + JAAS_FILE + ")");
            }
        }
        String protocol = settings.getOrDefault("security.protocol", "PLAINTEXT");
        if (!PROTOCOLS.contains(protocol)) {
            throw new IllegalArgumentException("REKEY_KAFKA_SECURITY_PROTOCOL (rekey.kafka.security.security.protocol) is '" + protocol
                    + "'; allowed: " + String.join(", ", PROTOCOLS.stream().sorted().toList()));
        }
        String jaasFile = settings.remove(JAAS_FILE);
        if (!protocol.startsWith("SASL_")) {
            if (jaasFile != null || settings.containsKey("sasl.mechanism")) {
                throw new IllegalArgumentException("SASL settings are set but REKEY_KAFKA_SECURITY_PROTOCOL is " + protocol
                        + "; use SASL_SSL (or SASL_PLAINTEXT on a trusted network)");
            }
            return settings;
        }
        String mechanism = settings.get("sasl.mechanism");
        if (mechanism == null || !MECHANISMS.contains(mechanism)) {
            throw new IllegalArgumentException("REKEY_KAFKA_SASL_MECHANISM (rekey.kafka.security.sasl.mechanism) is "
                    + (mechanism == null ? "not set" : "'" + mechanism + "'") + "; allowed with " + protocol + ": "
                    + String.join(", ", MECHANISMS.stream().sorted().toList()));
        }
        if (jaasFile == null) {
            throw new IllegalArgumentException("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE (rekey.kafka.security." + JAAS_FILE
                    + ") must name the file holding the JAAS configuration when REKEY_KAFKA_SECURITY_PROTOCOL is " + protocol);
        }
        String jaas;
        try {
            jaas = Files.readString(Path.of(jaasFile)).trim();
        } catch (IOException e) {
            throw new IllegalArgumentException("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE: cannot read " + jaasFile + " ("
                    + e.getClass().getSimpleName() + ")");
        }
        if (!jaas.matches("(?s)\\S+\\s+required\\b.*;")) {
            // The file's content holds a password: never quote it.
            throw new IllegalArgumentException("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE: " + jaasFile + " does not hold a JAAS "
                    + "configuration of the form '<LoginModule class> required username=\"...\" password=\"...\";'");
        }
        settings.put("sasl.jaas.config", jaas);
        return settings;
    }
}
