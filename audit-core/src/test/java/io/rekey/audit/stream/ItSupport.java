package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;

import io.rekey.schema.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * One audit stream under test on the shared broker and registry: its own topics (unique names, catalogue settings),
 * application id and state directory, written down as properties so a child JVM can run the very same stream.
 */
public final class ItSupport {

    private ItSupport() {
    }

    /**
     * Creates the topics and returns the description.
     *
     * @param settings pairs of setting names (without rekey.audit.) and values
     */
    public static Properties create(RekeyStack stack, String name, Path stateDir, String... settings) {
        Properties p = new Properties();
        p.setProperty("bootstrap", stack.bootstrapServers());
        p.setProperty("registry", stack.registry().baseUrl().toString());
        p.setProperty("topic.access", stack.createTopicLike(Topics.ACCESS_EVENTS, name + "-access"));
        p.setProperty("topic.registry", stack.createTopicLike(Topics.REGISTRY, name + "-registry"));
        p.setProperty("topic.lifecycle", stack.createTopicLike(Topics.LIFECYCLE_EVENTS, name + "-lifecycle"));
        p.setProperty("topic.rotation", stack.createTopicLike(Topics.ROTATION_EVENTS, name + "-rotation"));
        p.setProperty("topic.anomalies", stack.createTopicLike(Topics.ANOMALIES, name + "-anomalies"));
        p.setProperty("topic.anomaliesEcs", RekeyStack.unique(name + "-ecs"));
        p.setProperty("topic.audit", stack.createTopicLike(Topics.AUDIT_LOG, name + "-audit"));
        p.setProperty("topic.dlq", stack.createTopicLike(Topics.DLQ, name + "-dlq"));
        p.setProperty(AuditSettings.PREFIX + "application-id", RekeyStack.unique(name));
        p.setProperty(AuditSettings.PREFIX + "streams.state-dir", stateDir.toString());
        for (int i = 0; i < settings.length; i += 2) {
            p.setProperty(AuditSettings.PREFIX + settings[i], settings[i + 1]);
        }
        return p;
    }

    public static AuditConfig config(Properties p) {
        Map<String, String> settings = new HashMap<>();
        p.stringPropertyNames().stream().filter(k -> k.startsWith(AuditSettings.PREFIX))
                .forEach(k -> settings.put(k, p.getProperty(k)));
        AuditConfig config = AuditSettings.parse(settings);
        return config.with(config.applicationId(), topics(p));
    }

    public static TopicNames topics(Properties p) {
        return new TopicNames(p.getProperty("topic.access"), p.getProperty("topic.registry"), p.getProperty("topic.lifecycle"),
                p.getProperty("topic.rotation"), p.getProperty("topic.anomalies"), p.getProperty("topic.anomaliesEcs"),
                p.getProperty("topic.audit"), p.getProperty("topic.dlq"));
    }

    public static KafkaClients clients(Properties p) {
        return KafkaClients.of(p.getProperty("bootstrap"), p.getProperty("registry"));
    }

    /**
     * The production stream, with a short consumer session so that a killed instance's partitions move to its
     * successor within seconds rather than the default 45.
     */
    public static KafkaStreams streams(Properties p, AuditMetrics metrics) {
        KafkaClients clients = clients(p);
        AuditConfig config = config(p);
        Properties props = AuditStreamsConfig.of(clients, config);
        props.put(StreamsConfig.consumerPrefix("session.timeout.ms"), 6000);
        props.put(StreamsConfig.consumerPrefix("heartbeat.interval.ms"), 1000);
        KafkaStreams streams = new KafkaStreams(AuditTopology.build(config,
                AuditSerdes.registry(clients.registry().serdeConfig()), Clock.systemUTC(), metrics), props);
        streams.setUncaughtExceptionHandler(e -> org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler
                .StreamThreadExceptionResponse.SHUTDOWN_CLIENT);
        return streams;
    }

    public static void save(Properties p, Path file) {
        try (Writer out = Files.newBufferedWriter(file)) {
            p.store(out, "audit stream under test");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static Properties load(Path file) {
        Properties p = new Properties();
        try (Reader in = Files.newBufferedReader(file)) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p;
    }

    /** The application's committed offsets on the input have reached its end. */
    public static boolean caughtUp(RekeyStack stack, String applicationId, String topic) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = stack.admin().listConsumerGroupOffsets(applicationId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        Map<TopicPartition, OffsetSpec> latest = new java.util.HashMap<>();
        for (int p = 0; p < 6; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        var ends = stack.admin().listOffsets(latest).all().get(30, TimeUnit.SECONDS);
        // An empty partition never gets a committed offset.
        return ends.entrySet().stream().allMatch(e -> e.getValue().offset() == 0 || (committed.get(e.getKey()) != null
                && committed.get(e.getKey()).offset() >= e.getValue().offset()));
    }

    /** Every committed record of a topic, read to its end. */
    public static List<ConsumerRecord<String, SpecificRecord>> readAll(RekeyStack stack, String topic) {
        List<ConsumerRecord<String, SpecificRecord>> records = new ArrayList<>();
        try (KafkaConsumer<String, SpecificRecord> consumer = new KafkaConsumer<>(stack.consumerConfig(RekeyStack.unique("read-all")),
                new StringDeserializer(), AvroSerdes.<SpecificRecord>valueDeserializer(stack.registry()))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }
}
