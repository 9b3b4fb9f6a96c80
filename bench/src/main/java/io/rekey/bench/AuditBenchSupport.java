package io.rekey.bench;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.stream.AuditStreams;
import io.rekey.schema.client.KafkaClients;
import io.rekey.testkit.RekeyStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * What both audit benchmarks share: the production audit stream (audit-core's {@link AuditStreams}, every detector
 * on, the audit log on, the catalogue's topics) under a fresh application id on a bench stack, and the offsets that
 * tell how far it has read.
 */
final class AuditBenchSupport {

    private AuditBenchSupport() {
    }

    static KafkaClients clients(RekeyStack stack) {
        return KafkaClients.of(stack.bootstrapServers(), stack.registry().baseUrl().toString());
    }

    /** The documented defaults, with this run's application id and state directory, and a commit interval if given. */
    static AuditConfig config(Path stateDir, Duration commitInterval) {
        Map<String, String> settings = new HashMap<>(Map.of(
                AuditSettings.PREFIX + "application-id", RekeyStack.unique("rekey-audit-bench"),
                AuditSettings.PREFIX + "streams.state-dir", stateDir.toString()));
        if (commitInterval != null) {
            settings.put(AuditSettings.PREFIX + "streams.commit-interval", commitInterval.toString());
        }
        return AuditSettings.parse(settings);
    }

    /**
     * CPU time used so far by this JVM and by the broker process. On a shared machine the rates say what share of the
     * cores the run got; CPU per event says what the work costs, whatever else the machine runs.
     */
    record Cpu(Duration bench, Duration broker) {
        static Cpu now(RekeyStack stack) {
            return new Cpu(cpu(ProcessHandle.current()), ProcessHandle.of(stack.brokerProcess().process().pid())
                    .map(wrapper -> Stream.concat(Stream.of(wrapper), wrapper.descendants()).map(Cpu::cpu).reduce(Duration.ZERO, Duration::plus))
                    .orElse(Duration.ZERO));
        }

        /** The broker's JVM runs under a supervising shell (ChildProcess), so its time is its descendants'. */
        private static Duration cpu(ProcessHandle process) {
            return process.info().totalCpuDuration().orElse(Duration.ZERO);
        }

        String perEventSince(Cpu start, long events) {
            return String.format("CPU per event %.1f us in the bench JVM + %.1f us in the broker",
                    bench.minus(start.bench).toNanos() / 1000.0 / events, broker.minus(start.broker).toNanos() / 1000.0 / events);
        }
    }

    /** Starts the audit stream as the service does, and waits until it is RUNNING. */
    static KafkaStreams start(KafkaClients clients, AuditConfig config, Duration timeout) throws InterruptedException {
        KafkaStreams streams = AuditStreams.create(clients, config, Clock.systemUTC(), AuditMetrics.NONE);
        streams.start();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (streams.state() != KafkaStreams.State.RUNNING) {
            if (System.nanoTime() > deadline || !streams.state().isRunningOrRebalancing()) {
                streams.close(Duration.ofSeconds(10));
                throw new IllegalStateException("audit stream not RUNNING within " + timeout + ": " + streams.state());
            }
            TimeUnit.MILLISECONDS.sleep(50);
        }
        return streams;
    }

    /** End offsets of every partition of a topic. */
    static Map<TopicPartition, Long> endOffsets(Admin admin, String topic) throws Exception {
        int partitions = admin.describeTopics(java.util.List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS)
                .get(topic).partitions().size();
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        Map<TopicPartition, Long> ends = new HashMap<>();
        admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).forEach((tp, info) -> ends.put(tp, info.offset()));
        return ends;
    }

    /** Whether the group's committed offsets have reached {@code ends} on every non-empty partition. */
    static boolean caughtUp(Admin admin, String groupId, Map<TopicPartition, Long> ends) throws Exception {
        return lag(admin, groupId, ends) <= 0;
    }

    /** Records of {@code ends} the group has not committed yet. */
    static long lag(Admin admin, String groupId, Map<TopicPartition, Long> ends) throws Exception {
        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(groupId)
                .partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS);
        return ends.entrySet().stream().mapToLong(e -> e.getValue()
                - (committed.get(e.getKey()) == null ? 0 : committed.get(e.getKey()).offset())).sum();
    }

    static double perSecond(long count, long nanos) {
        return count / (nanos / 1e9);
    }
}
