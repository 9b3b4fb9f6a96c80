package io.rekey.testkit;

import io.rekey.schema.registry.SchemaRegistrar;
import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every message type goes through the real serializer and deserializer on its catalogue topic, in the
 * Confluent wire format, and its schema is fetched by id through the Confluent-compatible API.
 */
@RekeyIntegrationTest
class WireFormatRoundTripIT {

    static List<Topic<?>> topics() {
        return Topics.ALL;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("topics")
    void roundTripsInConfluentWireFormat(Topic<?> topic, RekeyStack stack) {
        SpecificRecord sample = Samples.of(topic.valueType());
        String id = sample.get(sample.getSchema().getField("id").pos()).toString();
        String key = "key-" + id;
        stack.send(topic.name(), Map.entry(key, sample));

        List<ConsumerRecord<String, SpecificRecord>> decoded = stack.readUntil(topic.name(), Duration.ofSeconds(30),
                records -> records.stream().anyMatch(r -> key.equals(r.key())));
        SpecificRecord read = decoded.stream().filter(r -> key.equals(r.key())).findFirst().orElseThrow().value();
        assertThat(read).isEqualTo(sample);

        byte[] raw = stack.readRaw(topic.name(), Duration.ofSeconds(30), decoded.size()).stream()
                .filter(r -> Objects.equals(key, r.key() == null ? null : new String(r.key())))
                .findFirst().orElseThrow().value();
        assertThat(raw[0]).as("magic byte").isZero();
        int schemaId = ByteBuffer.wrap(raw, 1, 4).getInt();

        Schema fetched = new Schema.Parser().parse(stack.registryClient().schemaById(schemaId));
        assertThat(fetched).isEqualTo(SpecificData.get().getSchema(topic.valueType()));
        assertThat(stack.registryClient().compatibility(topic.valueSubject())).isEqualTo(SchemaRegistrar.DEFAULT_COMPATIBILITY);
        assertThat(stack.registryClient().subjects()).contains(topic.valueSubject());
    }
}
