package io.rekey.lifecycle.kafka;

import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Which secrets this instance drives on time (scheduled rotations, expiry, purges, first-access marks): those whose
 * partition of {@code rekey.registry} the consumer group assigns to it. The group's consumer reads nothing (its
 * partitions stay paused); it exists for Kafka's group membership, so that with several instances each secret has
 * exactly one driver and a failed instance's secrets move to the others.
 */
public final class Ownership extends ConsumerLoop {

    private static final Logger LOG = LoggerFactory.getLogger(Ownership.class);

    private final KafkaClients clients;
    private final String groupId;
    private final String clientId;
    private volatile Set<Integer> owned = Set.of();

    public Ownership(KafkaClients clients, String groupId, String clientId) {
        super("lifecycle-ownership");
        this.clients = Objects.requireNonNull(clients, "clients must not be null");
        this.groupId = Objects.requireNonNull(groupId, "groupId must not be null");
        this.clientId = Objects.requireNonNull(clientId, "clientId must not be null");
    }

    /** Registry partitions this instance drives now. */
    public Set<Integer> owned() {
        return owned;
    }

    @Override
    protected void run() {
        try {
            while (running()) {
                Map<String, Object> config = clients.consumerConfig(groupId, clientId + "-owner");
                config.put(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, List.of(CooperativeStickyAssignor.class.getName()));
                try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                    current(c);
                    c.subscribe(List.of(Topics.REGISTRY.name()), new Listener(c));
                    while (running()) {
                        c.poll(Duration.ofSeconds(1));
                    }
                } catch (WakeupException e) {
                    // closing
                } catch (KafkaException e) {
                    owned = Set.of();
                    LOG.warn("scheduler group membership lost ({}); rejoining", e.toString());
                    pause(Duration.ofSeconds(2));
                }
            }
        } finally {
            owned = Set.of();
        }
    }

    private final class Listener implements ConsumerRebalanceListener {
        private final KafkaConsumer<byte[], byte[]> c;

        Listener(KafkaConsumer<byte[], byte[]> c) {
            this.c = c;
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            c.pause(partitions);
            Set<Integer> next = new HashSet<>(owned);
            partitions.forEach(tp -> next.add(tp.partition()));
            owned = Set.copyOf(next);
            LOG.info("driving registry partitions {}", owned);
        }

        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            Set<Integer> next = new HashSet<>(owned);
            partitions.forEach(tp -> next.remove(tp.partition()));
            owned = Set.copyOf(next);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            onPartitionsRevoked(partitions);
        }
    }

}
