package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.audit.detect.EcsJson;
import io.rekey.audit.detect.GrantNotice;
import io.rekey.audit.detect.PrincipalState;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.audit.AuditChain;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.kstream.Consumed;
import org.apache.kafka.streams.kstream.KStream;
import org.apache.kafka.streams.kstream.Named;
import org.apache.kafka.streams.kstream.Produced;
import org.apache.kafka.streams.kstream.Repartitioned;
import org.apache.kafka.streams.processor.StreamPartitioner;
import org.apache.kafka.streams.processor.api.ProcessorSupplier;
import org.apache.kafka.streams.state.Stores;

import java.time.Clock;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The audit stream's one topology.
 *
 * <pre>
 * rekey.access.events -> access-triage -+-> detectors -> rekey.anomalies (+ ECS JSON copy)
 *   (event time)                        |      ^  ^-- secret-tags (global store from rekey.registry)
 *                                       |      '-- grant-notices (repartition by grantee) <-'
 *                                       +-> dead letters -> rekey.dlq
 *                                       '-> audit entries (repartition by secretId) --+
 * rekey.lifecycle.events -> lifecycle-triage ---------------------------------------+-> audit-chain -> rekey.audit.log
 * rekey.rotation.events  -> rotation-triage  ---------------------------------------'   (partition p -> partition p)
 * </pre>
 *
 * Detection needs no repartition: access events are keyed by principal, so each principal's state lives in one
 * task. Only grants cross principals; the rare grant worth watching is re-keyed to its grantee and comes back into
 * the same detector. The audit path re-keys access events to the secret, so that one task writes each audit-log
 * partition and a secret's access, lifecycle and rotation history shares one chain, in order.
 *
 * <p>Every operator is named, so internal topics and state stores keep their names when the code changes.
 */
public final class AuditTopology {

    private AuditTopology() {
    }

    /** The topology with registry-backed serdes, the system clock and no metrics. */
    public static Topology build(AuditConfig config, Map<String, ?> serdeConfig) {
        return build(config, AuditSerdes.registry(serdeConfig), Clock.systemUTC(), AuditMetrics.NONE);
    }

    public static Topology build(AuditConfig config, AuditSerdes serdes, Clock clock, AuditMetrics metrics) {
        StreamsBuilder builder = new StreamsBuilder();
        TopicNames topics = config.topics();
        Serde<String> keys = Serdes.String();
        EventTimePolicy policy = new EventTimePolicy(config.maxFutureSkew(), config.maxEventAge(), clock);

        builder.addGlobalStore(
                Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore(DetectionProcessor.TAG_STORE), keys, Serdes.ByteArray())
                        .withLoggingDisabled(),
                topics.registry(),
                Consumed.with(keys, serdes.decoded(SecretDescriptor.class)).withName("registry"),
                () -> new SecretTagsUpdater(config.honeytokenTag()));
        PrincipalState.Capacities capacities = PrincipalState.Capacities.of(config);
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DetectionProcessor.PRINCIPAL_STORE),
                keys, CodecSerde.of(PrincipalState::toBytes, bytes -> PrincipalState.fromBytes(bytes, capacities))));
        builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(DetectionProcessor.PAIR_STORE),
                keys, Serdes.Long()));

        KStream<String, Object> access = builder
                .stream(topics.accessEvents(), Consumed.with(keys, serdes.decoded(AccessEvent.class))
                        .withTimestampExtractor(new EventTimeExtractor(policy)).withName("access-events"))
                .process(() -> new AccessTriage(config, policy, clock, metrics), Named.as("access-triage"));

        KStream<String, Object> notices = access
                .filter((key, value) -> value instanceof GrantNotice, Named.as("grant-notices"))
                .mapValues(value -> (GrantNotice) value, Named.as("as-grant-notice"))
                .repartition(Repartitioned.with(keys, CodecSerde.of(GrantNotice::toBytes, GrantNotice::fromBytes))
                        .withName("grant-notices").withNumberOfPartitions(Topics.ACCESS_EVENTS.partitions()))
                .processValues(() -> new Restamp<GrantNotice>(clock), Named.as("restamp-notice"))
                .mapValues(notice -> (Object) notice, Named.as("notice-as-input"));
        KStream<String, Object> detected = access
                .filter((key, value) -> value instanceof AccessEvent, Named.as("accepted-access"))
                .merge(notices, Named.as("detector-input"))
                .process(() -> new DetectionProcessor(config, clock, metrics), Named.as("detectors"),
                        DetectionProcessor.PRINCIPAL_STORE, DetectionProcessor.PAIR_STORE);
        KStream<String, Anomaly> anomalies = detected
                .filter((key, value) -> value instanceof Anomaly, Named.as("found-anomalies"))
                .mapValues(value -> (Anomaly) value, Named.as("as-anomaly"));
        anomalies.to(topics.anomalies(), Produced.with(keys, serdes.<Anomaly>avro()).withName("anomalies"));
        if (config.ecsOutputEnabled()) {
            anomalies.mapValues(EcsJson::of, Named.as("ecs-json"))
                    .to(topics.anomaliesEcs(), Produced.with(keys, Serdes.String()).withName("anomalies-ecs"));
        }

        Serde<DeadLetter> deadLetters = serdes.avro();
        deadLetters(access, "access", topics, keys, deadLetters);
        deadLetters(detected, "detector", topics, keys, deadLetters);
        if (config.auditLogEnabled()) {
            KStream<String, Object> lifecycle = triage(builder, topics.lifecycleEvents(), LifecycleEvent.class, "lifecycle", serdes,
                    () -> new Triage<LifecycleEvent>(clock, metrics, true, AuditEntries::lifecycle));
            KStream<String, Object> rotation = triage(builder, topics.rotationEvents(), RotationEvent.class, "rotation", serdes,
                    () -> new Triage<RotationEvent>(clock, metrics, true, AuditEntries::rotation));
            deadLetters(lifecycle, "lifecycle", topics, keys, deadLetters);
            deadLetters(rotation, "rotation", topics, keys, deadLetters);

            builder.addStateStore(Stores.keyValueStoreBuilder(Stores.persistentKeyValueStore(ChainProcessor.HEAD_STORE),
                    keys, Serdes.ByteArray()));
            auditEntries(access, "access")
                    .repartition(Repartitioned.with(keys, CodecSerde.of(AuditEntry::toBytes, AuditEntry::fromBytes))
                            .withName("audit-entries").withNumberOfPartitions(Topics.AUDIT_LOG.partitions()))
                    .merge(auditEntries(lifecycle, "lifecycle"), Named.as("audit-merge-lifecycle"))
                    .merge(auditEntries(rotation, "rotation"), Named.as("audit-merge-rotation"))
                    .process(() -> new ChainProcessor(topics.auditLog(), clock), Named.as("audit-chain"), ChainProcessor.HEAD_STORE)
                    .to(topics.auditLog(), Produced.with(keys, serdes.<AuditRecord>avro())
                            .withStreamPartitioner(samePartitionAsChain()).withName("audit-log"));
        }
        return builder.build();
    }

    private static <V extends org.apache.avro.specific.SpecificRecord> KStream<String, Object> triage(
            StreamsBuilder builder, String topic, Class<V> type, String name, AuditSerdes serdes,
            ProcessorSupplier<String, Decoded<V>, String, Object> triage) {
        // Their time only orders the audit log, so the record timestamp will do.
        return builder.stream(topic, Consumed.with(Serdes.String(), serdes.decoded(type))
                        .withTimestampExtractor(EventTimeExtractor::recordTime).withName(name + "-events"))
                .process(triage, Named.as(name + "-triage"));
    }

    private static void deadLetters(KStream<String, Object> triaged, String name, TopicNames topics, Serde<String> keys,
                                    Serde<DeadLetter> serde) {
        triaged.filter((key, value) -> value instanceof DeadLetter, Named.as(name + "-dead-letters"))
                .mapValues(value -> (DeadLetter) value, Named.as(name + "-as-dead-letter"))
                .to(topics.deadLetters(), Produced.with(keys, serde).withName(name + "-dlq"));
    }

    private static KStream<String, AuditEntry> auditEntries(KStream<String, Object> triaged, String name) {
        return triaged.filter((key, value) -> value instanceof AuditEntry, Named.as(name + "-audit-entries"))
                .mapValues(value -> (AuditEntry) value, Named.as(name + "-as-audit-entry"));
    }

    /** Writes each audit record to the partition its chain belongs to: the partition of the task that linked it. */
    private static StreamPartitioner<String, AuditRecord> samePartitionAsChain() {
        return (topic, key, value, partitions) -> Optional.of(Set.of(AuditChain.partitionOf(value.getChain())));
    }
}
