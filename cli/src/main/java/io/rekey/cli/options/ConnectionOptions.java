package io.rekey.cli.options;

import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.client.KafkaSecurity;
import io.rekey.schema.serde.RegistrySettings;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * Where the broker and the registry are: {@code --bootstrap-servers}/{@code --registry-url}, else
 * {@code REKEY_KAFKA_BOOTSTRAP_SERVERS}/{@code REKEY_REGISTRY_URL}, else the running dev stack, else
 * 127.0.0.1:9092 and http://127.0.0.1:8081. On a secured cluster, the same SASL variables as the services
 * ({@code REKEY_KAFKA_SECURITY_PROTOCOL}, {@code REKEY_KAFKA_SASL_MECHANISM}, {@code REKEY_KAFKA_SASL_JAAS_CONFIG_FILE};
 * docs/security.md), checked the same way.
 */
public final class ConnectionOptions {

    @Option(names = "--bootstrap-servers", paramLabel = "HOST:PORT[,...]",
            description = "Kafka brokers (default: $REKEY_KAFKA_BOOTSTRAP_SERVERS, the dev stack, or 127.0.0.1:9092).")
    String bootstrapServers;

    @Option(names = "--registry-url", paramLabel = "URL",
            description = "Schema registry root (default: $REKEY_REGISTRY_URL, the dev stack, or http://127.0.0.1:8081).")
    String registryUrl;

    public KafkaClients clients() {
        Properties dev = devStack();
        String bootstrap = first(bootstrapServers, System.getenv("REKEY_KAFKA_BOOTSTRAP_SERVERS"), dev.getProperty("kafka.bootstrap"), "127.0.0.1:9092");
        String registry = first(registryUrl, System.getenv("REKEY_REGISTRY_URL"), dev.getProperty("registry.url"), "http://127.0.0.1:8081");
        try {
            return new KafkaClients(bootstrap, RegistrySettings.of(registry), security(System.getenv()));
        } catch (IllegalArgumentException e) {
            throw new CliException(RekeyCli.EXIT_USAGE, e.getMessage());
        }
    }

    /** Kafka client security settings from the services' environment variables (none set: plaintext). */
    static Map<String, String> security(Map<String, String> env) {
        Map<String, String> configured = new LinkedHashMap<>();
        configured.put("security.protocol", env.get("REKEY_KAFKA_SECURITY_PROTOCOL"));
        configured.put("sasl.mechanism", env.get("REKEY_KAFKA_SASL_MECHANISM"));
        configured.put(KafkaSecurity.JAAS_FILE, env.get("REKEY_KAFKA_SASL_JAAS_CONFIG_FILE"));
        return KafkaSecurity.resolve(configured);
    }

    /** The project directory the launcher passes in REKEY_HOME (else the working directory). */
    public static Path home() {
        String home = System.getenv("REKEY_HOME");
        return Path.of(home == null || home.isBlank() ? "." : home).toAbsolutePath().normalize();
    }

    private static Properties devStack() {
        Properties props = new Properties();
        Path state = home().resolve(".rekey").resolve("dev").resolve("stack.properties");
        if (Files.exists(state)) {
            try (Reader in = Files.newBufferedReader(state)) {
                props.load(in);
            } catch (IOException ignored) {
                // fall back to the defaults
            }
        }
        return props;
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        throw new IllegalStateException("no value");
    }
}
