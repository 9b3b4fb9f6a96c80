package io.rekey.bench;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.demo.DemoScenario;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * Benchmark 1: N access events of the demo scenario (services, people, carol's rogue bursts) pre-loaded to
 * {@code rekey.access.events} through the real serializer, then read by the real audit topology (every detector, the
 * hash-chained audit log, exactly-once) from its start until its committed offsets reach the end. Baseline in the
 * same run: a plain consumer deserialising the same records to the end.
 */
@Command(name = "audit-throughput", mixinStandardHelpOptions = true,
        description = "Events/s of the audit topology catching up on N pre-loaded access events; baseline: a plain deserialising consumer.")
final class AuditThroughputBench implements Callable<Integer> {

    /** The figures of a run. */
    record Result(long events, double baselinePerSecond, double topologyPerSecond, long anomalies) {
        double ratio() {
            return topologyPerSecond / baselinePerSecond;
        }
    }

    /** Event time covered per second of history: a busy organisation's collector. */
    private static final int EVENTS_PER_EVENT_SECOND = 1000;
    /** One rogue burst of carol's every this many events, so detectors fire (and noise control works) during the run. */
    private static final int ROGUE_EVERY = 100_000;

    @Option(names = "--events", defaultValue = "2000000", description = "Access events pre-loaded (default ${DEFAULT-VALUE}).")
    long events;

    @Option(names = "--seed", defaultValue = "42", description = "Random seed of the demo scenario (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--commit-interval", description = "The stream's commit interval (default: the service's, PT0.1S).")
    Duration commitInterval;

    @Override
    public Integer call() throws Exception {
        Result result = run(events, seed, commitInterval, System.out);
        return result.anomalies() > 0 ? 0 : 1;
    }

    static Result run(long eventCount, long seed, Duration commitInterval, PrintStream out) throws Exception {
        Bench.header(out, "audit throughput");
        Path dir = Files.createTempDirectory("rekey-bench-audit");
        try (RekeyStack stack = RekeyStack.startProcesses(dir)) {
            KafkaClients clients = AuditBenchSupport.clients(stack);
            String topic = Topics.ACCESS_EVENTS.name();
            long start = System.nanoTime();
            long loaded = preload(clients, topic, eventCount, seed);
            out.printf("pre-loaded %d access events to %s in %s (%.0f events/s through the serializer)%n", loaded, topic,
                    Stats.ms(Duration.ofNanos(System.nanoTime() - start)), AuditBenchSupport.perSecond(loaded, System.nanoTime() - start));
            Map<TopicPartition, Long> ends = AuditBenchSupport.endOffsets(stack.admin(), topic);

            // Two passes: the first also warms the JIT; the faster one is the baseline, so the ratio errs against us.
            double baseline = 0;
            for (int pass = 1; pass <= 2; pass++) {
                AuditBenchSupport.Cpu cpu = AuditBenchSupport.Cpu.now(stack);
                long t0 = System.nanoTime();
                long read = readToEnd(clients, ends);
                long took = System.nanoTime() - t0;
                double rate = AuditBenchSupport.perSecond(read, took);
                out.printf("baseline pass %d: plain consumer deserialised %d events in %s: %.0f events/s; %s%n", pass, read,
                        Stats.ms(Duration.ofNanos(took)), rate, AuditBenchSupport.Cpu.now(stack).perEventSince(cpu, read));
                baseline = Math.max(baseline, rate);
            }

            AuditConfig config = AuditBenchSupport.config(dir.resolve("streams-state"), commitInterval);
            AuditBenchSupport.Cpu cpu = AuditBenchSupport.Cpu.now(stack);
            long t0 = System.nanoTime();
            long running;
            long caughtUp;
            try (KafkaStreams streams = AuditBenchSupport.start(clients, config, Duration.ofMinutes(2))) {
                running = System.nanoTime();
                long deadline = running + TimeUnit.MINUTES.toNanos(30);
                while (!AuditBenchSupport.caughtUp(stack.admin(), config.applicationId(), ends)) {
                    if (System.nanoTime() > deadline || streams.state() != KafkaStreams.State.RUNNING) {
                        throw new IllegalStateException("audit stream did not catch up within 30 min: " + streams.state());
                    }
                    TimeUnit.MILLISECONDS.sleep(100);
                }
                caughtUp = System.nanoTime();
            }
            String cost = AuditBenchSupport.Cpu.now(stack).perEventSince(cpu, ends.values().stream().mapToLong(Long::longValue).sum());
            long processed = ends.values().stream().mapToLong(Long::longValue).sum();
            double topology = AuditBenchSupport.perSecond(processed, caughtUp - t0);
            long anomalies = stack.<Anomaly>readAll(Topics.ANOMALIES.name()).size();
            out.printf("audit topology (every detector, audit log, exactly-once, %d stream thread(s), commit every %s): "
                            + "%d events from start to committed end in %s (RUNNING after %s): %.0f events/s; %s; %d anomalies%n",
                    config.streams().threads(), config.streams().commitInterval(), processed, Stats.ms(Duration.ofNanos(caughtUp - t0)),
                    Stats.ms(Duration.ofNanos(running - t0)), topology, cost, anomalies);
            Result result = new Result(processed, baseline, topology, anomalies);
            out.printf("ratio to baseline: %.2f (topology %.0f / baseline %.0f events/s)%n", result.ratio(), topology, baseline);
            return result;
        }
    }

    /**
     * The demo scenario's traffic, with its history first and event times in the past (so the policy on future
     * events never applies): ordinary traffic at {@value EVENTS_PER_EVENT_SECOND} events per second of event time,
     * and a rogue burst right after the history and every {@value ROGUE_EVERY} events.
     */
    private static long preload(KafkaClients clients, String topic, long count, long seed) {
        DemoScenario scenario = new DemoScenario(seed);
        Map<String, Object> config = clients.producerConfig("rekey-bench-preload");
        // Bulk load: fill batches rather than send every record alone.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        config.put(ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024);
        long sent = 0;
        Instant end = Instant.now().minusSeconds(60);
        Instant t = end.minusSeconds(count / EVENTS_PER_EVENT_SECOND + 1);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerdes.valueSerializer(clients.registry()))) {
            producer.send(new ProducerRecord<>(Topics.REGISTRY.name(), DemoScenario.HONEYTOKEN, DemoScenario.honeytoken(t)));
            List<AccessEvent> history = scenario.backfill(t, 21);
            for (AccessEvent e : history.subList(0, (int) Math.min(history.size(), count))) {
                send(producer, topic, e);
                sent++;
            }
            // Carol goes rogue right after her history, and again every ROGUE_EVERY events.
            long nextBurst = sent;
            while (sent < count) {
                List<AccessEvent> batch = new ArrayList<>(scenario.normal(t, (int) Math.min(EVENTS_PER_EVENT_SECOND, count - sent)));
                if (sent >= nextBurst) {
                    List<AccessEvent> burst = scenario.rogueBurst(t.plusMillis(EVENTS_PER_EVENT_SECOND / 2));
                    batch.addAll(burst.subList(0, (int) Math.min(burst.size(), count - sent - batch.size())));
                    nextBurst += ROGUE_EVERY;
                }
                for (AccessEvent e : batch) {
                    send(producer, topic, e);
                }
                sent += batch.size();
                t = t.plusSeconds(1);
            }
            producer.flush();
        }
        return sent;
    }

    private static void send(KafkaProducer<String, SpecificRecord> producer, String topic, AccessEvent e) {
        // The record timestamp is the event's own time, as a collector forwarding events would set it.
        producer.send(new ProducerRecord<>(topic, null, e.getOccurredAt().toEpochMilli(), e.getPrincipalId(), e));
    }

    /** A plain consumer (read_committed, the registry deserializer) from the beginning to {@code ends}. */
    private static long readToEnd(KafkaClients clients, Map<TopicPartition, Long> ends) {
        Map<String, Object> config = clients.consumerConfig(RekeyStack.unique("bench-baseline"), "rekey-bench-baseline");
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        long read = 0;
        try (KafkaConsumer<String, AccessEvent> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.<AccessEvent>valueDeserializer(clients.registry()))) {
            consumer.assign(ends.keySet());
            consumer.seekToBeginning(ends.keySet());
            long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
            while (ends.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("baseline consumer did not reach the end within 10 min");
                }
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
        }
        return read;
    }
}
