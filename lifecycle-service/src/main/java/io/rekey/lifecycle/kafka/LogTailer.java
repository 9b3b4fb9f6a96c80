package io.rekey.lifecycle.kafka;

import io.rekey.lifecycle.schedule.NameBasedIds;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.RecordDeserializationException;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;

/**
 * Reads every partition of the topics the service materialises, from the beginning, into the {@link LifecycleView},
 * and keeps following them. No consumer group: every instance rebuilds the whole view from the log on start
 * (compaction keeps the registry small), which is what makes a restart or a second instance correct by
 * construction.
 *
 * <p>A record that cannot be decoded or used goes to {@code rekey.dlq} with the reason and the consumer carries
 * on. Because the view is rebuilt from offset 0 on every start, the dead letters this consumer already wrote are
 * read first, so a poison record is dead-lettered once, not on every restart. A registry that cannot be reached is
 * not the record's fault: the same record is retried with backoff.
 */
public final class LogTailer extends ConsumerLoop {

    /** Name this service writes into dead letters' {@code consumer} field. */
    public static final String CONSUMER = "rekey-lifecycle-service";
    private static final Logger LOG = LoggerFactory.getLogger(LogTailer.class);
    private static final Duration POLL = Duration.ofMillis(200);

    private final KafkaClients clients;
    private final LifecycleView view;
    private final RecordRouter router;
    private final SideChannel sideChannel;
    private final Clock clock;
    private final String clientId;

    public LogTailer(KafkaClients clients, LifecycleView view, SideChannel sideChannel, Clock clock, String clientId) {
        super("lifecycle-log-tailer");
        this.clients = Objects.requireNonNull(clients, "clients must not be null");
        this.view = Objects.requireNonNull(view, "view must not be null");
        this.router = new RecordRouter(view);
        this.sideChannel = Objects.requireNonNull(sideChannel, "sideChannel must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.clientId = Objects.requireNonNull(clientId, "clientId must not be null");
    }

    private Map<String, Object> consumerConfig(String suffix) {
        Map<String, Object> config = clients.consumerConfig(CONSUMER + "-view", clientId + "-" + suffix);
        // Partitions are assigned, not subscribed: the group id is never joined and no offset is committed.
        config.remove(ConsumerConfig.GROUP_ID_CONFIG);
        config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2_000);
        // An API write waits until the view shows it: answer a fetch soon after a transaction commits instead of
        // after the default 500 ms. The cost is an idle fetch every 50 ms, one request to each broker.
        config.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 50);
        return config;
    }

    @Override
    protected void run() {
        Duration backoff = Duration.ofMillis(500);
        Set<String> alreadyDeadLettered = null;
        while (running() && alreadyDeadLettered == null) {
            try {
                alreadyDeadLettered = readOwnDeadLetters();
            } catch (WakeupException e) {
                return;
            } catch (KafkaException e) {
                LOG.warn("cannot read {} yet ({}); retrying in {}", Topics.DLQ.name(), e.toString(), backoff);
                backoff = pause(backoff);
            }
        }
        while (running()) {
            try (KafkaConsumer<String, Decoded<SpecificRecord>> c = new KafkaConsumer<>(consumerConfig("view"),
                    new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry()))) {
                current(c);
                follow(c, alreadyDeadLettered);
            } catch (WakeupException e) {
                if (running()) {
                    LOG.warn("log tailer woken up unexpectedly; going on");
                }
            } catch (KafkaException e) {
                LOG.warn("log tailer failed ({}); going on where the view stands in {}", e.toString(), backoff);
                backoff = pause(backoff);
            }
        }
    }

    private void follow(KafkaConsumer<String, Decoded<SpecificRecord>> c, Set<String> alreadyDeadLettered) {
        List<TopicPartition> partitions = partitions(c, RecordRouter.TOPICS);
        c.assign(partitions);
        for (TopicPartition tp : partitions) {
            // After a consumer failure, go on where the view stands: what it holds was applied once already.
            long applied = view.position(tp);
            if (applied > 0) {
                c.seek(tp, applied);
            } else {
                c.seekToBeginning(List.of(tp));
            }
        }
        Map<TopicPartition, Long> startEnd = c.endOffsets(partitions);
        LOG.info("reading the log into the lifecycle view: {} partitions, up to {} records", partitions.size(),
                startEnd.values().stream().mapToLong(Long::longValue).sum());
        long started = System.nanoTime();
        Duration backoff = Duration.ofMillis(500);
        while (running()) {
            ConsumerRecords<String, Decoded<SpecificRecord>> records;
            try {
                records = c.poll(POLL);
                backoff = Duration.ofMillis(500);
            } catch (RecordDeserializationException e) {
                // Only the registry being unreachable escapes the safe deserializer: retry the same record later.
                LOG.warn("cannot decode {} offset {} yet ({}); retrying in {}", e.topicPartition(), e.offset(),
                        e.getCause() == null ? e.toString() : e.getCause().toString(), backoff);
                backoff = pause(backoff);
                c.seek(e.topicPartition(), e.offset());
                continue;
            }
            for (ConsumerRecord<String, Decoded<SpecificRecord>> record : records) {
                handle(record, alreadyDeadLettered);
                view.advance(new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
            }
            boolean caughtUp = true;
            for (TopicPartition tp : partitions) {
                long position = c.position(tp);
                view.advance(tp, position);
                caughtUp &= position >= startEnd.get(tp);
            }
            if (caughtUp && !view.caughtUp()) {
                view.markCaughtUp();
                LOG.info("lifecycle view rebuilt from the log in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
            }
        }
    }

    private void handle(ConsumerRecord<String, Decoded<SpecificRecord>> record, Set<String> alreadyDeadLettered) {
        Decoded<SpecificRecord> value = record.value();
        try {
            Optional<String> refusal;
            if (value instanceof Decoded.Malformed<SpecificRecord> malformed) {
                deadLetter(record, alreadyDeadLettered, DeadLetters.malformed(record, malformed, CONSUMER, clock.instant()));
                return;
            }
            refusal = router.route(record.topic(), record.key(), record.partition(),
                    value == null ? null : ((Decoded.Valid<SpecificRecord>) value).value());
            if (refusal.isPresent()) {
                deadLetter(record, alreadyDeadLettered, DeadLetters.refused(record, refusal.get(), CONSUMER, clock.instant()));
            }
        } catch (RuntimeException e) {
            LOG.error("could not apply {}-{}@{}; dead-lettering it", record.topic(), record.partition(), record.offset(), e);
            deadLetter(record, alreadyDeadLettered, DeadLetters.refused(record,
                    "lifecycle service failed to apply it: " + e.getClass().getSimpleName(), CONSUMER, clock.instant()));
        }
    }

    private void deadLetter(ConsumerRecord<String, ?> record, Set<String> alreadyDeadLettered, DeadLetter letter) {
        String where = where(record.topic(), record.partition(), record.offset());
        if (!alreadyDeadLettered.add(where)) {
            return;
        }
        LOG.warn("dead-lettering {}: {}", where, letter.getReason());
        letter.setId(NameBasedIds.of("dead-letter", CONSUMER, where));
        sideChannel.deadLetter(record.key(), letter);
    }

    /** Where this consumer's earlier dead letters came from, so a restart does not write them again. */
    private Set<String> readOwnDeadLetters() {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, Decoded<SpecificRecord>> c = new KafkaConsumer<>(consumerConfig("dlq"),
                new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry()))) {
            current(c);
            List<TopicPartition> partitions = partitions(c, List.of(Topics.DLQ.name()));
            c.assign(partitions);
            c.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions);
            while (running() && partitions.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
                for (ConsumerRecord<String, Decoded<SpecificRecord>> record : c.poll(POLL)) {
                    if (record.value() instanceof Decoded.Valid<SpecificRecord> valid && valid.value() instanceof DeadLetter letter
                            && CONSUMER.equals(letter.getConsumer())) {
                        seen.add(where(letter.getSourceTopic(), letter.getSourcePartition(), letter.getSourceOffset()));
                    }
                }
            }
        }
        return seen;
    }

    private static List<TopicPartition> partitions(KafkaConsumer<?, ?> c, List<String> topics) {
        List<TopicPartition> partitions = new ArrayList<>();
        for (String topic : topics) {
            List<PartitionInfo> infos = c.partitionsFor(topic);
            if (infos == null || infos.isEmpty()) {
                throw new KafkaException("topic " + topic + " does not exist; create the catalogue's topics first");
            }
            infos.forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
        }
        return partitions;
    }

    private static String where(String topic, int partition, long offset) {
        return topic + "-" + partition + "@" + offset;
    }

}
