package io.rekey.audit.stream;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.TopicNames;
import io.rekey.schema.topic.Topics;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * Checks, before the stream starts, what the topology silently relies on: every topic exists, access events have the
 * partition count the grant-notice repartition uses, and the lifecycle, rotation and audit-log topics share the
 * audit chain's partition count (task p writes audit partition p). Creates the ECS topic when that output is on,
 * since it is not in the Avro catalogue.
 */
public final class TopicCheck {

    private static final String MISSING = " does not exist";
    private static final Duration TOPIC_WAIT = Duration.ofSeconds(15);

    private TopicCheck() {
    }

    /** @throws IllegalStateException naming every problem found */
    public static void verify(Admin admin, AuditConfig config) {
        TopicNames t = config.topics();
        if (config.ecsOutputEnabled()) {
            createEcsTopic(admin, t.anomaliesEcs());
        }
        Map<String, Integer> expected = new LinkedHashMap<>();
        expected.put(t.accessEvents(), Topics.ACCESS_EVENTS.partitions());
        expected.put(t.registry(), null);
        expected.put(t.anomalies(), null);
        expected.put(t.deadLetters(), null);
        if (config.ecsOutputEnabled()) {
            expected.put(t.anomaliesEcs(), null);
        }
        if (config.auditLogEnabled()) {
            int chains = Topics.AUDIT_LOG.partitions();
            expected.put(t.lifecycleEvents(), chains);
            expected.put(t.rotationEvents(), chains);
            expected.put(t.auditLog(), chains);
        }
        List<String> problems;
        long deadline = System.nanoTime() + TOPIC_WAIT.toNanos();
        try {
            // Topics created a moment ago (by the dev stack, or by this check) may take a moment to be listed.
            do {
                problems = problems(admin, expected);
                if (problems.stream().noneMatch(p -> p.endsWith(MISSING))) {
                    break;
                }
                Thread.sleep(250);
            } while (System.nanoTime() < deadline);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while checking topics", e);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot reach the Kafka cluster to check topics: " + e.getMessage(), e);
        }
        if (!problems.isEmpty()) {
            throw new IllegalStateException("the audit stream cannot start: " + String.join("; ", problems));
        }
    }

    private static List<String> problems(Admin admin, Map<String, Integer> expected)
            throws InterruptedException, ExecutionException, java.util.concurrent.TimeoutException {
        List<String> problems = new ArrayList<>();
        Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
        List<String> present = expected.keySet().stream().filter(existing::contains).toList();
        expected.keySet().stream().filter(name -> !existing.contains(name))
                .forEach(name -> problems.add("topic " + name + MISSING));
        Map<String, TopicDescription> described = admin.describeTopics(present).allTopicNames().get(30, TimeUnit.SECONDS);
        for (String name : present) {
            Integer want = expected.get(name);
            int have = described.get(name).partitions().size();
            if (want != null && have != want) {
                problems.add("topic " + name + " has " + have + " partitions, the audit stream needs " + want
                        + " (the catalogue's count, so keys stay co-partitioned)");
            }
        }
        return problems;
    }

    private static void createEcsTopic(Admin admin, String name) {
        NewTopic topic = new NewTopic(name, Optional.of(Topics.ANOMALIES.partitions()), Optional.empty())
                .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_DELETE,
                        TopicConfig.RETENTION_MS_CONFIG, Long.toString(Duration.ofDays(365).toMillis())));
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw new IllegalStateException("cannot create topic " + name + ": " + e.getCause().getMessage(), e.getCause());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topic " + name, e);
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("timed out creating topic " + name, e);
        }
    }
}
