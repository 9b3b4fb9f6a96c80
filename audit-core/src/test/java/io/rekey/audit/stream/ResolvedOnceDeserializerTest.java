package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.testkit.Samples;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.junit.jupiter.api.Test;

import java.util.Arrays;
import java.util.function.LongFunction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolvedOnceDeserializerTest {

    /** Stands in for the registry deserializer: fixed ids per type, calls counted. */
    private static final class Registry implements Deserializer<SpecificRecord> {
        int calls;

        @Override
        public SpecificRecord deserialize(String topic, byte[] data) {
            calls++;
            return data == null ? null : RegistryFreeSerdes.decode(data);
        }
    }

    private static final LongFunction<Schema> WRITER_SCHEMAS =
            id -> SpecificData.get().getSchema(RegistryFreeSerdes.TYPES.get((int) id - 1));

    @Test
    void asksTheRegistryOncePerSchemaIdAndDecodesTheRestItself() {
        Registry registry = new Registry();
        Deserializer<SpecificRecord> deserializer = new ResolvedOnceDeserializer<>(registry, WRITER_SCHEMAS);
        AccessEvent first = Samples.accessEvent("alice", "db/orders");
        AccessEvent second = Samples.accessEvent("bob", "db/billing");
        Anomaly anomaly = Samples.anomaly("bob");

        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(first))).isEqualTo(first);
        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(second))).isEqualTo(second);
        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(second))).isEqualTo(second);
        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(anomaly))).isEqualTo(anomaly);
        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(anomaly))).isEqualTo(anomaly);

        assertThat(registry.calls).isEqualTo(2);
    }

    @Test
    void reportsAnUndecodableBodyOfAKnownIdAsASerializationError() {
        Deserializer<SpecificRecord> deserializer = new ResolvedOnceDeserializer<>(new Registry(), WRITER_SCHEMAS);
        byte[] valid = RegistryFreeSerdes.encode(Samples.accessEvent("alice", "db/orders"));
        deserializer.deserialize("t", valid);

        assertThatThrownBy(() -> deserializer.deserialize("t", Arrays.copyOf(valid, 12)))
                .isInstanceOf(SerializationException.class).hasMessageContaining("schema id 1");
    }

    @Test
    void leavesAnIdToTheRegistryWhenItsOwnDecodingDisagrees() {
        Registry registry = new Registry();
        // A writer schema that is not the one the bytes were written with.
        Deserializer<SpecificRecord> deserializer = new ResolvedOnceDeserializer<>(registry, id -> Anomaly.getClassSchema());
        AccessEvent event = Samples.accessEvent("alice", "db/orders");

        deserializer.deserialize("t", RegistryFreeSerdes.encode(event));
        assertThat(deserializer.deserialize("t", RegistryFreeSerdes.encode(event))).isEqualTo(event);

        assertThat(registry.calls).isEqualTo(2);
    }

    @Test
    void leavesValuesWithoutTheWireFormatHeaderToTheRegistry() {
        Registry registry = new Registry();
        Deserializer<SpecificRecord> deserializer = new ResolvedOnceDeserializer<>(registry, WRITER_SCHEMAS);

        assertThat(deserializer.deserialize("t", null)).isNull();
        assertThatThrownBy(() -> deserializer.deserialize("t", new byte[] {1, 2})).isInstanceOf(RuntimeException.class);
        assertThat(registry.calls).isEqualTo(2);
    }
}
