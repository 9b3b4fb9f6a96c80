package io.rekey.lifecycle.kafka;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.topic.Topics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Records that are reports rather than state: dead letters and access events (the API's refusals and changes).
 * Handed to one background thread through a bounded queue and sent without a transaction, so neither a slow
 * broker nor a flood of refused calls ever holds up a request thread. What cannot be queued or sent is counted
 * ({@code rekey.lifecycle.side.records.lost}) and logged without the value: an audit gap must be visible.
 */
public final class SideChannel implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(SideChannel.class);
    private static final int QUEUE = 10_000;

    private final KafkaProducer<String, SpecificRecord> producer;
    private final ThreadPoolExecutor sender;
    private final Counter lost;
    private final MeterRegistry meters;

    public SideChannel(KafkaClients clients, String clientId, MeterRegistry meters) {
        Map<String, Object> config = clients.producerConfig(clientId);
        // Give up on a send after this long when the broker is away; the record is then counted as lost.
        config.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 5_000);
        this.producer = new KafkaProducer<>(config, new StringSerializer(), AvroSerdes.valueSerializer(clients.registry()));
        this.meters = meters;
        this.lost = Counter.builder("rekey.lifecycle.side.records.lost")
                .description("Access events and dead letters this instance could not write").register(meters);
        this.sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(QUEUE), r -> {
            Thread t = new Thread(r, "lifecycle-side-channel");
            t.setDaemon(true);
            return t;
        }, (task, executor) -> {
            lost.increment();
            LOG.error("side channel queue full ({} records): a record was not written", QUEUE);
        });
    }

    public void deadLetter(String originalKey, DeadLetter letter) {
        // Tagged by the consumed topic only (a catalogue name), so the label stays bounded.
        meters.counter("rekey.dlq.messages", "source_topic", letter.getSourceTopic()).increment();
        send(Topics.DLQ.name(), DeadLetters.key(originalKey), letter);
    }

    public void access(AccessEvent event) {
        send(Topics.ACCESS_EVENTS.name(), event.getPrincipalId(), event);
    }

    private void send(String topic, String key, SpecificRecord value) {
        sender.execute(() -> {
            try {
                producer.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
                    if (error != null) {
                        failed(topic, value, error);
                    }
                });
            } catch (RuntimeException e) {
                failed(topic, value, e);
            }
        });
    }

    private void failed(String topic, SpecificRecord value, Exception error) {
        lost.increment();
        LOG.error("could not write a {} to {}: {}", value.getSchema().getName(), topic, error.toString());
    }

    @Override
    public void close() {
        sender.shutdown();
        try {
            sender.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        producer.close(Duration.ofSeconds(5));
    }
}
