package io.rekey.testkit;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.apicurio.registry.serde.avro.AvroKafkaSerializer;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.registry.ConfluentRegistryClient.Compatibility;
import io.rekey.schema.registry.ConfluentRegistryClient.RegistryException;
import io.rekey.schema.topic.Topics;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Schema evolution against the real registry: compatible changes flow, incompatible ones are refused. */
@RekeyIntegrationTest
class RegistryEvolutionIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void olderReaderReadsRecordFromNewerWriterAndRegistryRefusesIncompatibleChange(RekeyStack stack) throws Exception {
        String topic = stack.createTopicLike(Topics.ACCESS_EVENTS, "evolution");
        String subject = topic + "-value";
        ConfluentRegistryClient registry = stack.registryClient();
        registry.register(subject, AccessEvent.getClassSchema().toString());
        registry.setCompatibility(subject, Compatibility.FULL);

        // A newer producer adds an optional field; its serializer registers version 2 (FULL allows it).
        Schema v2 = withField(AccessEvent.getClassSchema(), optionalString("deviceId"));
        AccessEvent original = Samples.accessEvent("alice", "db/orders");
        GenericRecord newer = asNewerRecord(original, v2);
        newer.put("deviceId", "laptop-42");
        AvroKafkaSerializer<GenericRecord> serializer = new AvroKafkaSerializer<>();
        serializer.configure(stack.registry().serdeConfig(), false);
        try (KafkaProducer<String, GenericRecord> producer = new KafkaProducer<>(stack.producerConfig(), new StringSerializer(), serializer)) {
            producer.send(new ProducerRecord<>(topic, "alice", newer)).get(30, TimeUnit.SECONDS);
        }

        // This build's consumer (the older reader) decodes it into its own class, ignoring the new field.
        List<ConsumerRecord<String, AccessEvent>> read = stack.readUntil(topic, Duration.ofSeconds(30), r -> !r.isEmpty());
        assertThat(read).hasSize(1);
        assertThat(read.get(0).value()).isEqualTo(original);

        // A required field without a default breaks FULL compatibility: the registry says 409.
        Schema incompatible = withField(AccessEvent.getClassSchema(), JSON.createObjectNode().put("name", "tenant").put("type", "string"));
        assertThatThrownBy(() -> registry.register(subject, incompatible.toString()))
                .isInstanceOfSatisfying(RegistryException.class, e -> assertThat(e.isIncompatible()).isTrue());
    }

    /** The same facts as a record of the newer schema (Avro resolution fills the added field's default). */
    private static GenericRecord asNewerRecord(AccessEvent event, Schema newer) throws java.io.IOException {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        org.apache.avro.io.BinaryEncoder encoder = org.apache.avro.io.EncoderFactory.get().binaryEncoder(out, null);
        new org.apache.avro.specific.SpecificDatumWriter<>(AccessEvent.class).write(event, encoder);
        encoder.flush();
        return new org.apache.avro.generic.GenericDatumReader<GenericRecord>(AccessEvent.getClassSchema(), newer)
                .read(null, org.apache.avro.io.DecoderFactory.get().binaryDecoder(out.toByteArray(), null));
    }

    private static ObjectNode optionalString(String name) {
        ObjectNode field = JSON.createObjectNode().put("name", name);
        field.putArray("type").add("null").add("string");
        field.putNull("default");
        return field;
    }

    private static Schema withField(Schema schema, ObjectNode field) throws java.io.IOException {
        ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
        json.withArray("fields").add(field);
        return new Schema.Parser().parse(json.toString());
    }
}
