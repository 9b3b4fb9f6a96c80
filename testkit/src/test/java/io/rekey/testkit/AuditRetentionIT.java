package io.rekey.testkit;

import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The audit history is never deleted by the broker: the topics the catalogue installs for access events, lifecycle
 * events and the audit log carry infinite time and size retention as topic overrides (not broker defaults, which an
 * operator may lower), read back from the broker itself.
 */
@RekeyIntegrationTest
class AuditRetentionIT {

    @Test
    void auditTopicsAreCreatedWithInfiniteRetention(RekeyStack stack) throws Exception {
        List<String> audit = List.of(Topics.ACCESS_EVENTS.name(), Topics.AUDIT_LOG.name(), Topics.LIFECYCLE_EVENTS.name());
        Map<ConfigResource, Config> configs = stack.admin().describeConfigs(audit.stream()
                .map(t -> new ConfigResource(ConfigResource.Type.TOPIC, t)).toList()).all().get(30, TimeUnit.SECONDS);

        for (String topic : audit) {
            Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, topic));
            assertRetention(topic, config.get(TopicConfig.RETENTION_MS_CONFIG));
            assertRetention(topic, config.get(TopicConfig.RETENTION_BYTES_CONFIG));
            assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value()).as(topic).isEqualTo(TopicConfig.CLEANUP_POLICY_DELETE);
        }
        // The contrast: a topic with finite retention reads back finite, so the check above can tell them apart.
        Config dlq = stack.admin().describeConfigs(List.of(new ConfigResource(ConfigResource.Type.TOPIC, Topics.DLQ.name())))
                .all().get(30, TimeUnit.SECONDS).values().iterator().next();
        assertThat(dlq.get(TopicConfig.RETENTION_MS_CONFIG).value()).isEqualTo(Long.toString(TimeUnit.DAYS.toMillis(30)));
    }

    private static void assertRetention(String topic, ConfigEntry entry) {
        assertThat(entry.value()).as("%s %s", topic, entry.name()).isEqualTo("-1");
        assertThat(entry.source()).as("%s %s is set on the topic", topic, entry.name())
                .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
    }
}
