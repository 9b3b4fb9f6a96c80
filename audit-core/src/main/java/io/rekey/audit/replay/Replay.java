package io.rekey.audit.replay;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.audit.detect.EcsJson;
import io.rekey.audit.detect.InMemoryDetection;
import io.rekey.audit.stream.AccessChecks;
import io.rekey.audit.stream.EventTimePolicy;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * Re-runs the detectors over the access events appended to {@code rekey.access.events} in {@code [from, to)} (by
 * record timestamp, found with offsetsForTimes), with the settings given, so a new rule or threshold can be tried on
 * history. Output goes to a named topic (Avro anomalies, as live) or a file (one ECS JSON line per anomaly), never to
 * a live topic.
 *
 * <p>It reads with a plain consumer (assigned partitions, no consumer group) and runs the same {@link DetectorEngine}
 * the stream runs ({@link InMemoryDetection}), rather than a second Kafka Streams application under a fresh application id: a one-off run then
 * creates no internal topics, changelogs or schema subjects, needs no group-offset surgery to start at a time, and
 * knows when it is done. State is in memory (about a kilobyte per active principal, plus one entry per
 * principal-secret pair). Events before {@code from} within the warm-up only build state, so windows and baselines
 * are as live at {@code from}. Honeytokens are those the registry tags today.
 */
public final class Replay {

    /** Where anomalies go. */
    public sealed interface Output permits ToTopic, ToFile {
    }

    /** Avro anomalies, keyed by principal, to a topic that must exist and must not be a live one. */
    public record ToTopic(String topic) implements Output {
        public ToTopic {
            Objects.requireNonNull(topic, "topic must not be null");
        }
    }

    /** ECS JSON lines to a file, replaced if it exists. */
    public record ToFile(Path file) implements Output {
        public ToFile {
            Objects.requireNonNull(file, "file must not be null");
        }
    }

    /** What to replay. */
    public record Request(Instant from, Instant to, Duration warmUp, Output output) {
        public Request {
            Objects.requireNonNull(from, "from must not be null");
            Objects.requireNonNull(to, "to must not be null");
            Objects.requireNonNull(warmUp, "warmUp must not be null");
            Objects.requireNonNull(output, "output must not be null");
            if (!from.isBefore(to)) {
                throw new IllegalArgumentException("replay range is empty: from " + from + " is not before to " + to);
            }
            if (warmUp.isNegative()) {
                throw new IllegalArgumentException("warm-up must not be negative, was " + warmUp);
            }
        }
    }

    /** What a replay did. */
    public record Result(long eventsRead, long eventsInRange, long refused, long late, long anomalies,
                         Map<AnomalyType, Long> anomaliesByType) {
    }

    private static final Duration POLL = Duration.ofMillis(500);

    private final KafkaClients clients;
    private final AuditConfig config;
    private final Clock clock;

    public Replay(KafkaClients clients, AuditConfig config, Clock clock) {
        this.clients = Objects.requireNonNull(clients, "clients must not be null");
        this.config = Objects.requireNonNull(config, "config must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    public Result run(Request request) {
        refuseLiveOutput(request.output());
        Set<String> honeytokens = honeytokens();
        try (KafkaConsumer<String, Decoded<AccessEvent>> consumer = new KafkaConsumer<>(consumerConfig(),
                new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), AccessEvent.class));
             Sink sink = sink(request.output())) {
            return replay(consumer, request, honeytokens, sink);
        }
    }

    private Result replay(KafkaConsumer<String, Decoded<AccessEvent>> consumer, Request request, Set<String> honeytokens, Sink sink) {
        String topic = config.topics().accessEvents();
        List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                .map(p -> new TopicPartition(topic, p.partition())).toList();
        consumer.assign(partitions);
        Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
        Map<TopicPartition, Long> start = offsetsAt(consumer, partitions, request.from().minus(request.warmUp()), ends);
        Map<TopicPartition, Long> stop = offsetsAt(consumer, partitions, request.to(), ends);
        start.forEach(consumer::seek);

        InMemoryDetection detection = new InMemoryDetection(config, honeytokens, clock, AuditMetrics.NONE);
        EventTimePolicy policy = new EventTimePolicy(config.maxFutureSkew(), config.maxEventAge(), clock);
        long grace = config.grace().toMillis();
        long from = request.from().toEpochMilli();
        Map<TopicPartition, Long> streamTime = new HashMap<>();
        Counts counts = new Counts();
        List<Anomaly> found = new ArrayList<>();

        while (partitions.stream().anyMatch(p -> consumer.position(p) < stop.get(p))) {
            for (ConsumerRecord<String, Decoded<AccessEvent>> record : consumer.poll(POLL)) {
                TopicPartition tp = new TopicPartition(record.topic(), record.partition());
                if (record.offset() >= stop.get(tp)) {
                    continue;
                }
                counts.read++;
                boolean inRange = record.timestamp() >= from;
                counts.inRange += inRange ? 1 : 0;
                if (!(record.value() instanceof Decoded.Valid<AccessEvent> valid)
                        || record.serializedValueSize() > AccessChecks.MAX_VALUE_BYTES) {
                    counts.refused++;
                    continue;
                }
                AccessEvent event = valid.value();
                long occurredAt = event.getOccurredAt().toEpochMilli();
                // Stream time as the live extractor keeps it: any believable occurredAt moves it, nothing else does.
                long partitionTime = streamTime.getOrDefault(tp, -1L);
                if (occurredAt >= 0 && !policy.inFuture(occurredAt)) {
                    partitionTime = Math.max(partitionTime, occurredAt);
                    streamTime.put(tp, partitionTime);
                }
                if (AccessChecks.invalid(record.key(), event) != null || policy.check(occurredAt, partitionTime) != null) {
                    counts.refused++;
                    continue;
                }
                if (occurredAt < partitionTime - grace) {
                    counts.late++;
                    continue;
                }
                found.clear();
                detection.process(event, occurredAt, found);
                if (inRange) {
                    for (Anomaly anomaly : found) {
                        sink.write(anomaly);
                        counts.anomalies++;
                        counts.byType.merge(anomaly.getType(), 1L, Long::sum);
                    }
                }
            }
        }
        return new Result(counts.read, counts.inRange, counts.refused, counts.late, counts.anomalies, Map.copyOf(counts.byType));
    }

    /** First offset at or after {@code time} in each partition, or its end. */
    private static Map<TopicPartition, Long> offsetsAt(KafkaConsumer<?, ?> consumer, List<TopicPartition> partitions,
                                                       Instant time, Map<TopicPartition, Long> ends) {
        Map<TopicPartition, Long> query = new HashMap<>();
        partitions.forEach(p -> query.put(p, Math.max(0, time.toEpochMilli())));
        Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(query);
        Map<TopicPartition, Long> offsets = new HashMap<>();
        for (TopicPartition p : partitions) {
            OffsetAndTimestamp at = found.get(p);
            offsets.put(p, at == null ? ends.get(p) : Math.min(at.offset(), ends.get(p)));
        }
        return offsets;
    }

    /** Secrets the registry tags as honeytokens now: the registry read to its end. */
    private Set<String> honeytokens() {
        String topic = config.topics().registry();
        Set<String> tagged = new HashSet<>();
        try (KafkaConsumer<String, Decoded<SecretDescriptor>> consumer = new KafkaConsumer<>(consumerConfig(),
                new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), SecretDescriptor.class))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions);
            while (partitions.stream().anyMatch(p -> consumer.position(p) < ends.get(p))) {
                for (ConsumerRecord<String, Decoded<SecretDescriptor>> record : consumer.poll(POLL)) {
                    if (record.value() instanceof Decoded.Valid<SecretDescriptor> valid
                            && valid.value().getTags().contains(config.honeytokenTag())) {
                        tagged.add(record.key());
                    } else if (!(record.value() instanceof Decoded.Malformed<SecretDescriptor>)) {
                        tagged.remove(record.key());
                    }
                }
            }
        }
        return tagged;
    }

    private void refuseLiveOutput(Output output) {
        if (output instanceof ToTopic t) {
            TopicNames live = config.topics();
            Set<String> liveTopics = Set.of(live.anomalies(), live.anomaliesEcs(), live.auditLog(), live.deadLetters(),
                    live.accessEvents(), live.registry(), live.lifecycleEvents(), live.rotationEvents());
            if (liveTopics.contains(t.topic())) {
                throw new IllegalArgumentException("replay output " + t.topic() + " is a live topic; name a topic of its own");
            }
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> consumer = clients.consumerConfig("unused", "rekey-replay-" + UUID.randomUUID());
        // Assigned partitions, no group: a replay commits nothing and cannot disturb any consumer group.
        consumer.remove("group.id");
        consumer.put("max.poll.records", 2000);
        return consumer;
    }

    private Sink sink(Output output) {
        if (output instanceof ToTopic t) {
            KafkaProducer<String, Anomaly> producer = new KafkaProducer<>(clients.producerConfig("rekey-replay-" + UUID.randomUUID()),
                    new StringSerializer(), AvroSerdes.valueSerializer(clients.registry()));
            return new Sink() {
                @Override
                public void write(Anomaly anomaly) {
                    producer.send(new ProducerRecord<>(t.topic(), null, anomaly.getOccurredAt().toEpochMilli(),
                            anomaly.getPrincipalId(), anomaly));
                }

                @Override
                public void close() {
                    producer.close(Duration.ofSeconds(30));
                }
            };
        }
        Path file = ((ToFile) output).file();
        try {
            BufferedWriter writer = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
            return new Sink() {
                @Override
                public void write(Anomaly anomaly) {
                    try {
                        writer.write(EcsJson.of(anomaly));
                        writer.newLine();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot write " + file, e);
                    }
                }

                @Override
                public void close() {
                    try {
                        writer.close();
                    } catch (IOException e) {
                        throw new UncheckedIOException("cannot close " + file, e);
                    }
                }
            };
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + file, e);
        }
    }

    private interface Sink extends AutoCloseable {
        void write(Anomaly anomaly);

        @Override
        void close();
    }

    private static final class Counts {
        long read;
        long inRange;
        long refused;
        long late;
        long anomalies;
        final Map<AnomalyType, Long> byType = new EnumMap<>(AnomalyType.class);
    }
}
