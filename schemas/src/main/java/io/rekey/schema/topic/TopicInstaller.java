package io.rekey.schema.topic;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.errors.TopicExistsException;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Creates the catalogue's topics that do not exist yet and checks the ones that do. */
public final class TopicInstaller {

    private final Admin admin;
    private final short replicationFactor;

    public TopicInstaller(Admin admin, short replicationFactor) {
        this.admin = admin;
        if (replicationFactor < 1) {
            throw new IllegalArgumentException("replication factor must be at least 1, was " + replicationFactor);
        }
        this.replicationFactor = replicationFactor;
    }

    /** Creates every missing catalogue topic; returns the names it created. */
    public List<String> installAll() {
        return install(Topics.ALL);
    }

    public List<String> install(List<Topic<?>> topics) {
        try {
            Set<String> existing = admin.listTopics().names().get(30, TimeUnit.SECONDS);
            List<NewTopic> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                if (!existing.contains(topic.name())) {
                    missing.add(topic.newTopic(replicationFactor));
                }
            }
            List<String> created = new ArrayList<>();
            for (Map.Entry<String, org.apache.kafka.common.KafkaFuture<Void>> result : admin.createTopics(missing).values().entrySet()) {
                try {
                    result.getValue().get(30, TimeUnit.SECONDS);
                    created.add(result.getKey());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + result.getKey() + ": " + e.getCause().getMessage(), e.getCause());
                    }
                }
            }
            checkPartitions(topics);
            return created;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while creating topics", e);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("cannot reach the Kafka cluster to create topics: " + e.getMessage(), e);
        }
    }

    /** Topics keyed by the same id must keep the catalogue's partition count or keys stop being co-partitioned. */
    private void checkPartitions(List<Topic<?>> topics) throws ExecutionException, InterruptedException, TimeoutException {
        Map<String, TopicDescription> described = admin.describeTopics(topics.stream().map(Topic::name).toList())
                .allTopicNames().get(30, TimeUnit.SECONDS);
        for (Topic<?> topic : topics) {
            int actual = described.get(topic.name()).partitions().size();
            if (actual != topic.partitions()) {
                throw new IllegalStateException("topic " + topic.name() + " has " + actual + " partitions, the catalogue says "
                        + topic.partitions() + "; co-partitioning by key would break");
            }
        }
    }
}
