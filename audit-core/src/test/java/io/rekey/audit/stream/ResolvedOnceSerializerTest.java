package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.testkit.Samples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serializer;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class ResolvedOnceSerializerTest {

    /** Stands in for the registry serializer: the Confluent wire format with a fixed id per type, calls recorded. */
    private static final class Registry implements Serializer<SpecificRecord> {
        final List<String> calls = new ArrayList<>();
        final boolean confluent;

        Registry(boolean confluent) {
            this.confluent = confluent;
        }

        @Override
        public byte[] serialize(String topic, SpecificRecord value) {
            calls.add(topic + ":" + value.getClass().getSimpleName());
            byte[] bytes = RegistryFreeSerdes.encode(value);
            if (!confluent) {
                bytes[0] = 1;
            }
            return bytes;
        }
    }

    @Test
    void asksTheRegistryOncePerTopicAndSchemaAndWritesTheSameBytesAfterwards() {
        Registry registry = new Registry(true);
        Serializer<SpecificRecord> serializer = new ResolvedOnceSerializer<>(registry);
        AccessEvent first = Samples.accessEvent("alice", "db/orders");
        AccessEvent second = Samples.accessEvent("bob", "db/billing");

        byte[] a = serializer.serialize("access", first);
        byte[] b = serializer.serialize("access", second);
        byte[] c = serializer.serialize("other", second);
        byte[] d = serializer.serialize("access", Samples.anomaly("bob"));

        assertThat(registry.calls).containsExactly("access:AccessEvent", "other:AccessEvent", "access:Anomaly");
        assertThat(a).isEqualTo(RegistryFreeSerdes.encode(first));
        assertThat(b).isEqualTo(RegistryFreeSerdes.encode(second));
        assertThat(c).isEqualTo(b);
        assertThat(RegistryFreeSerdes.decode(d)).isInstanceOf(Anomaly.class);
        assertThat(serializer.serialize("access", null)).isNull();
    }

    @Test
    void leavesEveryRecordToTheRegistryWhenItsOutputIsNotTheConfluentFormat() {
        Registry registry = new Registry(false);
        Serializer<SpecificRecord> serializer = new ResolvedOnceSerializer<>(registry);

        serializer.serialize("access", Samples.accessEvent("alice", "db/orders"));
        byte[] second = serializer.serialize("access", Samples.accessEvent("bob", "db/billing"));

        assertThat(registry.calls).hasSize(2);
        assertThat(second[0]).isEqualTo((byte) 1);
    }
}
