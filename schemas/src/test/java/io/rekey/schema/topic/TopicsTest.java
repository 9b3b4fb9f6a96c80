package io.rekey.schema.topic;

import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TopicsTest {

    @Test
    void namesAndValueTypesAreUnique() {
        Set<String> names = new HashSet<>();
        Set<Class<?>> types = new HashSet<>();
        for (Topic<?> topic : Topics.ALL) {
            assertTrue(names.add(topic.name()), "duplicate topic " + topic.name());
            assertTrue(types.add(topic.valueType()), "two topics carry " + topic.valueType());
            assertTrue(topic.name().startsWith("rekey."), topic.name());
        }
    }

    @Test
    void auditHistoryIsKeptForever() {
        for (Topic<?> topic : new Topic<?>[] {Topics.ACCESS_EVENTS, Topics.LIFECYCLE_EVENTS, Topics.AUDIT_LOG}) {
            assertEquals("-1", topic.configs().get(TopicConfig.RETENTION_MS_CONFIG), topic.name());
            assertEquals("-1", topic.configs().get(TopicConfig.RETENTION_BYTES_CONFIG), topic.name());
        }
    }

    @Test
    void compactedTopicsHaveNoTimeRetention() {
        for (Topic<?> topic : new Topic<?>[] {Topics.REGISTRY, Topics.SECRET_CHANGED}) {
            assertEquals(TopicConfig.CLEANUP_POLICY_COMPACT, topic.configs().get(TopicConfig.CLEANUP_POLICY_CONFIG));
            assertFalse(topic.configs().containsKey(TopicConfig.RETENTION_MS_CONFIG), topic.name());
        }
    }

    @Test
    void commandsExpireAfterAWeekAndDeadLettersAfterThirtyDays() {
        assertEquals(String.valueOf(7L * 24 * 3600 * 1000), Topics.ROTATION_COMMANDS.configs().get(TopicConfig.RETENTION_MS_CONFIG));
        assertEquals(String.valueOf(30L * 24 * 3600 * 1000), Topics.DLQ.configs().get(TopicConfig.RETENTION_MS_CONFIG));
    }

    @Test
    void topicsKeyedBySecretIdAreCoPartitioned() {
        long distinct = Topics.ALL.stream().filter(t -> t.keyDescription().equals("secretId"))
                .mapToInt(Topic::partitions).distinct().count();
        assertEquals(1, distinct);
    }

    @Test
    void valueSubjectFollowsTopicNameStrategy() {
        assertEquals("rekey.access.events-value", Topics.ACCESS_EVENTS.valueSubject());
        assertEquals(Topics.DLQ, Topics.byName("rekey.dlq").orElseThrow());
    }
}
