package io.rekey.lifecycle.kafka;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.topic.Topics;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

class SideChannelTest {

    @Test
    void countsEveryDeadLetterBySourceTopic() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        // Nothing listens there: the sends fail in the background, which must not matter to the count.
        try (SideChannel channel = new SideChannel(KafkaClients.of("127.0.0.1:1", "http://127.0.0.1:1"), "side-test", meters)) {
            for (String topic : new String[] {Topics.REGISTRY.name(), Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name()}) {
                channel.deadLetter("s-1", DeadLetters.of(new DeadLetters.Source(topic, 0, 7L, null), "test",
                        "s-1".getBytes(StandardCharsets.UTF_8), new byte[] {1}, "undecodable", null, Instant.EPOCH));
            }

            assertThat(meters.get("rekey.dlq.messages").tag("source_topic", Topics.REGISTRY.name()).counter().count()).isEqualTo(2.0);
            assertThat(meters.get("rekey.dlq.messages").tag("source_topic", Topics.LIFECYCLE_EVENTS.name()).counter().count()).isEqualTo(1.0);
        }
    }
}
