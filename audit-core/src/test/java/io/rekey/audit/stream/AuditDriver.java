package io.rekey.audit.stream;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretDescriptor;
import io.rekey.testkit.MutableClock;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;

/**
 * The real topology in a TopologyTestDriver, with event time driven by the test: every access event is piped with
 * its occurredAt as the record timestamp, as producers do, and the clock follows the latest event time (as a live
 * stream's clock runs just ahead of its events) unless a test fixes it.
 *
 * <p>The driver runs every sub-topology in one task, so what the topology writes to its repartition topics with
 * processing time moves the shared stream time; a clock that follows event time keeps that faithful to production,
 * where each sub-topology has its own.
 */
final class AuditDriver implements AutoCloseable {

    /** A Monday, 09:00 UTC. */
    static final Instant T0 = Instant.parse("2026-11-23T09:00:00Z");

    final MutableClock clock = new MutableClock(Instant.parse("2000-01-01T00:00:00Z"));
    private boolean clockFollowsEvents = true;
    final CountingMetrics metrics = new CountingMetrics();
    final AuditConfig config;
    private final TopologyTestDriver driver;
    private final Path stateDir;
    private final TestInputTopic<String, SpecificRecord> access;
    private final TestInputTopic<byte[], byte[]> accessRaw;
    private final TestInputTopic<String, SpecificRecord> registry;
    private final TestInputTopic<String, SpecificRecord> lifecycle;
    private final TestInputTopic<String, SpecificRecord> rotation;
    private final TestOutputTopic<String, Anomaly> anomalies;
    private final TestOutputTopic<String, AuditRecord> auditLog;
    private final TestOutputTopic<String, DeadLetter> deadLetters;
    private final TestOutputTopic<String, String> ecs;
    private final List<AuditRecord> audited = new ArrayList<>();

    /** A driver with the defaults overridden by pairs of setting names (without rekey.audit.) and values. */
    static AuditDriver with(String... settings) {
        Map<String, String> values = new HashMap<>();
        for (int i = 0; i < settings.length; i += 2) {
            values.put(AuditSettings.PREFIX + settings[i], settings[i + 1]);
        }
        return new AuditDriver(AuditSettings.parse(values));
    }

    AuditDriver(AuditConfig config) {
        this.config = config;
        try {
            // The driver checkpoints (fsync, RocksDB flush) after every record; on tmpfs that costs nothing.
            Path shm = Path.of("/dev/shm");
            stateDir = Files.isDirectory(shm) && Files.isWritable(shm)
                    ? Files.createTempDirectory(shm, "audit-driver") : Files.createTempDirectory("audit-driver");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Properties props = new Properties();
        props.put(StreamsConfig.APPLICATION_ID_CONFIG, config.applicationId());
        props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "unused:9092");
        props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
        // As in production; it also spares the driver a RocksDB flush and checkpoint after every record.
        props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
        driver = new TopologyTestDriver(AuditTopology.build(config, RegistryFreeSerdes.serdes(), clock, metrics), props);
        var names = config.topics();
        var serializer = RegistryFreeSerdes.serdes().<SpecificRecord>avro().serializer();
        Deserializer<SpecificRecord> deserializer = RegistryFreeSerdes.serdes().<SpecificRecord>avro().deserializer();
        access = driver.createInputTopic(names.accessEvents(), new StringSerializer(), serializer);
        accessRaw = driver.createInputTopic(names.accessEvents(), new ByteArraySerializer(), new ByteArraySerializer());
        registry = driver.createInputTopic(names.registry(), new StringSerializer(), serializer);
        lifecycle = driver.createInputTopic(names.lifecycleEvents(), new StringSerializer(), serializer);
        rotation = driver.createInputTopic(names.rotationEvents(), new StringSerializer(), serializer);
        anomalies = driver.createOutputTopic(names.anomalies(), new StringDeserializer(), cast(deserializer));
        auditLog = driver.createOutputTopic(names.auditLog(), new StringDeserializer(), cast(deserializer));
        deadLetters = driver.createOutputTopic(names.deadLetters(), new StringDeserializer(), cast(deserializer));
        ecs = driver.createOutputTopic(names.anomaliesEcs(), new StringDeserializer(), Serdes.String().deserializer());
    }

    @SuppressWarnings("unchecked")
    private static <V> Deserializer<V> cast(Deserializer<SpecificRecord> deserializer) {
        return (Deserializer<V>) (Deserializer<?>) deserializer;
    }

    /** An access event builder: success, from 10.0.0.1 in GB unless the test changes it. */
    static AccessEvent.Builder event(String principal, AccessAction action, String secretId, Instant at) {
        return AccessEvent.newBuilder().setId(UUID.randomUUID().toString()).setOccurredAt(at).setPrincipalId(principal)
                .setSecretId(secretId).setAction(action).setOutcome(AccessResult.SUCCESS).setSourceIp("10.0.0.1")
                .setCountry("GB").setUserAgent("test").setSessionId(null).setTargetPrincipalId(null).setDetails(Map.of());
    }

    static AccessEvent.Builder read(String principal, String secretId, Instant at) {
        return event(principal, AccessAction.READ, secretId, at);
    }

    /** Stops the clock following event time and sets it. */
    void fixClock(Instant instant) {
        clockFollowsEvents = false;
        clock.set(instant);
    }

    private void follow(Instant eventTime) {
        if (clockFollowsEvents && eventTime.isAfter(clock.instant())) {
            clock.set(eventTime);
        }
    }

    AccessEvent send(AccessEvent.Builder builder) {
        AccessEvent event = builder.build();
        follow(event.getOccurredAt());
        access.pipeInput(event.getPrincipalId(), event, event.getOccurredAt());
        return event;
    }

    /** Sends an event under a record key of the test's choosing. */
    void sendKeyed(String key, AccessEvent event) {
        follow(event.getOccurredAt());
        access.pipeInput(key, event, event.getOccurredAt());
    }

    void sendRaw(String key, byte[] value, Instant timestamp) {
        follow(timestamp);
        accessRaw.pipeInput(key == null ? null : key.getBytes(), value, timestamp);
    }

    void register(SecretDescriptor descriptor) {
        registry.pipeInput(descriptor.getSecretId(), descriptor);
    }

    void purge(String secretId) {
        registry.pipeInput(secretId, null);
    }

    void lifecycle(LifecycleEvent event) {
        follow(event.getOccurredAt());
        lifecycle.pipeInput(event.getSecretId(), event, event.getOccurredAt());
    }

    void rotation(RotationEvent event) {
        follow(event.getOccurredAt());
        rotation.pipeInput(event.getSecretId(), event, event.getOccurredAt());
    }

    /** Anomalies emitted since the last call. */
    List<Anomaly> anomalies() {
        return anomalies.readValuesToList();
    }

    List<Anomaly> anomalies(AnomalyType type) {
        return anomalies().stream().filter(a -> a.getType() == type).toList();
    }

    /** Every audit record written so far, in order (TopologyTestDriver has one partition). */
    List<AuditRecord> auditLog() {
        audited.addAll(auditLog.readValuesToList());
        return List.copyOf(audited);
    }

    List<DeadLetter> deadLetters() {
        return deadLetters.readValuesToList();
    }

    List<String> ecs() {
        return ecs.readValuesToList();
    }

    @Override
    public void close() {
        driver.close();
        try (var files = Files.walk(stateDir)) {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (java.io.IOException ignored) {
            // a temporary directory
        }
    }
}
