package io.rekey.devstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Where the build put what the local processes run: the unpacked Apicurio registry and the Kafka broker's
 * classpath. {@code REKEY_APICURIO_HOME} and {@code REKEY_KAFKA_CLASSPATH} override them.
 */
public final class Distribution {

    private static final String PROPERTIES = "distribution.properties";
    private static final String KAFKA_CLASSPATH = "kafka-broker.classpath";

    private Distribution() {
    }

    public static Path apicurioRunnerJar() {
        Properties props = load();
        String home = System.getenv().getOrDefault("REKEY_APICURIO_HOME", props.getProperty("apicurio.home"));
        Path jar = Path.of(home).resolve(props.getProperty("apicurio.runner"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException("Apicurio registry runner not found at " + jar
                    + ": build the project first (mvn -B -DskipTests package) or set REKEY_APICURIO_HOME");
        }
        return jar;
    }

    public static String kafkaBrokerClasspath() {
        String override = System.getenv("REKEY_KAFKA_CLASSPATH");
        if (override != null && !override.isBlank()) {
            return override;
        }
        try (InputStream in = Distribution.class.getResourceAsStream(KAFKA_CLASSPATH)) {
            if (in == null) {
                throw new IllegalStateException("Kafka broker classpath missing from the build: "
                        + "build the project first (mvn -B -DskipTests package) or set REKEY_KAFKA_CLASSPATH");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static String kafkaVersion() {
        return load().getProperty("kafka.version");
    }

    /** The java launcher of this JVM, so children run on the same JDK. */
    public static String javaExecutable() {
        return ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static Properties load() {
        Properties props = new Properties();
        try (InputStream in = Distribution.class.getResourceAsStream(PROPERTIES)) {
            if (in == null) {
                throw new IllegalStateException(PROPERTIES + " missing from the classpath");
            }
            props.load(in);
            return props;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
