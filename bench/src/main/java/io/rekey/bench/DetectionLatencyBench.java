package io.rekey.bench;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.demo.DemoScenario;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.Deserializer;
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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;

/**
 * Benchmark 2: with the real audit topology running and the demo scenario's ordinary traffic arriving at a steady
 * rate, marked rogue bursts (a fresh principal failing exactly the FAILED_ATTEMPTS threshold times) are injected;
 * latency is from the event time of the triggering event (the last failure) to the anomaly reaching a read_committed
 * consumer of {@code rekey.anomalies}. Baseline in the same run: the same triggering event reaching a plain
 * read_committed consumer of {@code rekey.access.events}, the transport floor every detection sits on.
 */
@Command(name = "detection-latency", mixinStandardHelpOptions = true,
        description = "Event time of a rogue burst's triggering event to its anomaly at a consumer, under steady traffic; "
                + "baseline: the same event reaching a plain consumer.")
final class DetectionLatencyBench implements Callable<Integer> {

    /** The figures of a run. */
    record Result(int bursts, Stats detection, Stats baseline, long ordinary, double ratePerSecond) {
        double ratio() {
            return detection.p99().toNanos() / (double) baseline.p99().toNanos();
        }
    }

    static final String ROGUE_PREFIX = "bench-rogue-";
    private static final Duration TICK = Duration.ofMillis(10);

    @Option(names = "--rate", defaultValue = "20000", description = "Ordinary access events per second (default ${DEFAULT-VALUE}).")
    int rate;

    @Option(names = "--bursts", defaultValue = "100", description = "Rogue bursts measured (default ${DEFAULT-VALUE}).")
    int bursts;

    @Option(names = "--burst-every", defaultValue = "PT0.5S", description = "Time between bursts (default ${DEFAULT-VALUE}).")
    Duration burstEvery;

    @Option(names = "--warm-up", defaultValue = "PT15S",
            description = "Steady traffic before the first burst, at least; then until the stream is within 200 ms of its input, "
                    + "for at most 2 minutes more (default ${DEFAULT-VALUE}).")
    Duration warmUp;

    @Override
    public Integer call() throws Exception {
        Result result = run(rate, bursts, burstEvery, warmUp, System.out);
        return result.detection().count() == result.bursts() ? 0 : 1;
    }

    static Result run(int rate, int bursts, Duration burstEvery, Duration warmUp, PrintStream out) throws Exception {
        Bench.header(out, "detection latency");
        Path dir = Files.createTempDirectory("rekey-bench-detection");
        AuditConfig config = AuditBenchSupport.config(dir.resolve("streams-state"), null);
        int threshold = config.detector(AnomalyType.FAILED_ATTEMPTS).threshold();
        try (RekeyStack stack = RekeyStack.startProcesses(dir)) {
            KafkaClients clients = AuditBenchSupport.clients(stack);
            Map<String, Long> detected = new ConcurrentHashMap<>();
            Map<String, Long> transported = new ConcurrentHashMap<>();
            try (KafkaStreams ignored = AuditBenchSupport.start(clients, config, Duration.ofMinutes(2));
                 Arrivals anomalies = new Arrivals(clients, Topics.ANOMALIES.name(), AvroSerdes.<Anomaly>valueDeserializer(clients.registry()),
                         (record, at) -> {
                             Anomaly a = (Anomaly) record.value();
                             if (a.getType() == AnomalyType.FAILED_ATTEMPTS && a.getPrincipalId().startsWith(ROGUE_PREFIX)) {
                                 detected.putIfAbsent(a.getPrincipalId(), at - a.getOccurredAt().toEpochMilli());
                             }
                         });
                 // Keys only: the floor is the transport, not this consumer deserialising 20,000 values a second.
                 Arrivals access = new Arrivals(clients, Topics.ACCESS_EVENTS.name(), new ByteArrayDeserializer(),
                         (record, at) -> {
                             if (record.key().startsWith(ROGUE_PREFIX)) {
                                 transported.merge(record.key(), at - record.timestamp(), Math::max);
                             }
                         })) {
                Traffic traffic = new Traffic(clients, rate, threshold);
                // JIT, caches and RocksDB warm up under load: bursts measured while the stream still works off that
                // backlog would measure the warm-up. The stream is warm when its lag is under 200 ms of input.
                long keptUp = Math.max(1, rate / 5);
                BooleanSupplier warm = () -> {
                    try {
                        Map<TopicPartition, Long> ends = AuditBenchSupport.endOffsets(stack.admin(), Topics.ACCESS_EVENTS.name());
                        return AuditBenchSupport.lag(stack.admin(), config.applicationId(), ends) <= keptUp;
                    } catch (Exception e) {
                        return false;
                    }
                };
                long ordinary = traffic.run(warmUp, warmUp.plusMinutes(2), warm, bursts, burstEvery, out);
                out.printf("sent %d ordinary events at %d/s and %d bursts of %d failures (FAILED_ATTEMPTS threshold), one every %s%n",
                        ordinary, rate, bursts, threshold, burstEvery);
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
                while ((detected.size() < bursts || transported.size() < bursts) && System.nanoTime() < deadline) {
                    TimeUnit.MILLISECONDS.sleep(50);
                }
                if (detected.size() < bursts) {
                    out.printf("only %d of %d bursts were detected within 60 s%n", detected.size(), bursts);
                }
                Stats detection = Stats.of(detected.values().stream().map(Duration::ofMillis).toList());
                Stats baseline = Stats.of(transported.values().stream().map(Duration::ofMillis).toList());
                Result result = new Result(bursts, detection, baseline, ordinary, rate);
                out.println("baseline, triggering event to a plain consumer of " + Topics.ACCESS_EVENTS.name() + ": " + baseline);
                out.println("detection, triggering event to its anomaly at a consumer of " + Topics.ANOMALIES.name() + ": " + detection);
                // In burst order: a steady climb means the stream falls behind the input, isolated spikes mean stalls.
                out.println("detection latency by burst, in order (ms, - for none): " + java.util.stream.IntStream.range(0, bursts)
                        .mapToObj(i -> String.valueOf(detected.getOrDefault(ROGUE_PREFIX + i + "@example.com", -1L)).replace("-1", "-"))
                        .collect(java.util.stream.Collectors.joining(" ")));
                out.printf("detected %d/%d bursts; ratio of p99 to baseline p99: %.2f%n", detection.count(), bursts, result.ratio());
                return result;
            }
        }
    }

    /** Steady ordinary traffic from the demo scenario, and marked bursts of failures by a fresh principal each. */
    private static final class Traffic {
        private final KafkaClients clients;
        private final int rate;
        private final int threshold;
        private final DemoScenario scenario = new DemoScenario(42);

        Traffic(KafkaClients clients, int rate, int threshold) {
            this.clients = clients;
            this.rate = rate;
            this.threshold = threshold;
        }

        /** Sends until the last burst is out; returns the ordinary events sent. */
        long run(Duration minWarmUp, Duration maxWarmUp, BooleanSupplier warm, int bursts, Duration burstEvery, PrintStream out)
                throws InterruptedException {
            Map<String, Object> config = clients.producerConfig("rekey-bench-traffic");
            // A collector under steady load: batch for a few milliseconds, as DemoTraffic does for its bulk.
            config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
            try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                    AvroSerdes.valueSerializer(clients.registry()))) {
                long start = System.nanoTime();
                long firstBurst = Long.MAX_VALUE;
                long nextWarmCheck = start + minWarmUp.toNanos();
                long sent = 0;
                int burst = 0;
                while (burst < bursts) {
                    long now = System.nanoTime();
                    long due = (long) ((now - start) / 1e9 * rate) - sent;
                    Instant wall = Instant.now();
                    for (AccessEvent e : scenario.normal(wall, (int) due)) {
                        // Events happen now: a live collector's traffic, not a spread into the future.
                        e.setOccurredAt(wall);
                        send(producer, e);
                    }
                    sent += due;
                    if (firstBurst == Long.MAX_VALUE && now >= nextWarmCheck) {
                        boolean caughtUp = warm.getAsBoolean();
                        if (caughtUp || now - start >= maxWarmUp.toNanos()) {
                            firstBurst = now;
                            out.printf("warm-up: %s of steady traffic, %s%n", Stats.ms(Duration.ofNanos(now - start)), caughtUp
                                    ? "stream within 200 ms of its input" : "stream still behind its input (the rate is above what it keeps up with)");
                        }
                        nextWarmCheck = now + TimeUnit.SECONDS.toNanos(1);
                    }
                    if (firstBurst != Long.MAX_VALUE && now >= firstBurst + burst * burstEvery.toNanos()) {
                        burst(producer, ROGUE_PREFIX + burst + "@example.com");
                        burst++;
                    }
                    TimeUnit.NANOSECONDS.sleep(Math.max(0, TICK.toNanos() - (System.nanoTime() - now)));
                }
                producer.flush();
                return sent;
            }
        }

        /** {@code threshold} denied reads at the same instant: the last one crosses the threshold. */
        private void burst(KafkaProducer<String, SpecificRecord> producer, String principal) {
            Instant at = Instant.now();
            for (int i = 0; i < threshold; i++) {
                AccessEvent e = Samples.accessEvent(principal, "prod/root-db");
                e.setOutcome(AccessResult.DENIED);
                e.setOccurredAt(at);
                send(producer, e);
            }
        }

        private static void send(KafkaProducer<String, SpecificRecord> producer, AccessEvent e) {
            producer.send(new ProducerRecord<>(Topics.ACCESS_EVENTS.name(), null, e.getOccurredAt().toEpochMilli(), e.getPrincipalId(), e));
        }
    }

    /** A read_committed consumer of a topic's new records on its own thread, handing each record and its arrival time (ms). */
    private static final class Arrivals implements AutoCloseable {
        private final AtomicBoolean stopped = new AtomicBoolean();
        private final Thread thread;

        <V> Arrivals(KafkaClients clients, String topic, Deserializer<V> values, BiConsumer<ConsumerRecord<String, V>, Long> onArrival) {
            KafkaConsumer<String, V> consumer = new KafkaConsumer<>(clients.consumerConfig(RekeyStack.unique("bench-arrivals"),
                    "rekey-bench-arrivals"), new StringDeserializer(), values);
            List<TopicPartition> partitions = new ArrayList<>();
            consumer.partitionsFor(topic).forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
            consumer.assign(partitions);
            consumer.seekToEnd(partitions);
            partitions.forEach(consumer::position);
            thread = new Thread(() -> {
                try (consumer) {
                    while (!stopped.get()) {
                        for (ConsumerRecord<String, V> record : consumer.poll(Duration.ofMillis(100))) {
                            onArrival.accept(record, System.currentTimeMillis());
                        }
                    }
                }
            }, "arrivals-" + topic);
            thread.setDaemon(true);
            thread.start();
        }

        @Override
        public void close() throws InterruptedException {
            stopped.set(true);
            thread.join(10_000);
        }
    }
}
