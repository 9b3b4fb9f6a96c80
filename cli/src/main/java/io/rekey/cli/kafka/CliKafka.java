package io.rekey.cli.kafka;

import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

/** Sending records to rekey topics from the command line. */
public final class CliKafka implements AutoCloseable {

    private final KafkaClients clients;
    private KafkaProducer<String, SpecificRecord> producer;

    public CliKafka(KafkaClients clients) {
        this.clients = clients;
    }

    public KafkaClients clients() {
        return clients;
    }

    /** Sends a record and waits for the broker's acknowledgement. */
    public void send(String topic, String key, SpecificRecord value) {
        try {
            producer().send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic + ": " + e.getMessage(), e);
        }
    }

    private KafkaProducer<String, SpecificRecord> producer() {
        if (producer == null) {
            producer = new KafkaProducer<>(clients.producerConfig("rekey-cli"), new StringSerializer(),
                    AvroSerdes.valueSerializer(clients.registry()));
        }
        return producer;
    }

    @Override
    public void close() {
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
