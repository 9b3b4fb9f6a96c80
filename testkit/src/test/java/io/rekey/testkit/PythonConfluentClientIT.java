package io.rekey.testkit;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.topic.Topics;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A non-Java Confluent client (Python confluent-kafka) reads rekey's topics through the registry's
 * Confluent-compatible API: the proof that the wire format is Confluent's. CI installs the client
 * (.ci/run); elsewhere the test is skipped if it is missing, unless REKEY_CI is set.
 */
@RekeyIntegrationTest
class PythonConfluentClientIT {

    private static final String PYTHON = "/usr/bin/python3";

    @Test
    void pythonConfluentConsumerDecodesAvroRecords(RekeyStack stack) throws Exception {
        boolean available = pythonClientAvailable();
        if (System.getenv("REKEY_CI") == null) {
            assumeTrue(available, "python3-confluent-kafka is not installed (apt-get install python3-confluent-kafka python3-avro)");
        }
        assertThat(available).as("python3-confluent-kafka installed").isTrue();

        String topic = stack.createTopicLike(Topics.ANOMALIES, "python-reader");
        Anomaly anomaly = Samples.anomaly("mallory");
        stack.send(topic, Map.entry("mallory", anomaly));

        Path script = Files.createTempFile("read_avro", ".py");
        try (InputStream in = getClass().getResourceAsStream("/python/read_avro.py")) {
            Files.write(script, in.readAllBytes());
        }
        Process python = new ProcessBuilder(PYTHON, script.toString(), stack.bootstrapServers(),
                stack.registry().confluentApiUrl(), topic, "1").redirectErrorStream(true).start();
        String output = new String(python.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(python.waitFor(90, TimeUnit.SECONDS)).isTrue();

        assertThat(python.exitValue()).as(output).isZero();
        assertThat(output).contains("\"key\": \"mallory\"")
                .contains("\"principalId\": \"mallory\"")
                .contains("\"type\": \"EXCESSIVE_ACCESS\"")
                .contains("\"rule\": \"excessive-access(distinct>=20 in PT10M)\"");
    }

    private static boolean pythonClientAvailable() throws InterruptedException {
        try {
            Process check = new ProcessBuilder(PYTHON, "-c", "import confluent_kafka.avro").redirectErrorStream(true).start();
            return check.waitFor(30, TimeUnit.SECONDS) && check.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
