package io.rekey.audit.demo;

import io.rekey.audit.Flags;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;

import java.io.PrintStream;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Publishes {@link DemoScenario} traffic to {@code rekey.access.events} so a running audit stream shows anomalies
 * within seconds: ordinary traffic at a steady rate, and from {@code rogueAfter} on a rogue burst every
 * {@code rogueEvery}. On an empty access topic it first writes {@code backfillDays} of history (with past
 * timestamps) so the learned baselines have something to differ from; on a topic with traffic that history would
 * arrive too late to count, so it is skipped. Registers the demo honeytoken in the registry unless told not to.
 *
 * <pre>
 * java -cp audit-stream/target/rekey-audit-stream-*-all.jar io.rekey.audit.demo.DemoTraffic [flags]
 *   --bootstrap-servers HOST:PORT  default $REKEY_KAFKA_BOOTSTRAP_SERVERS or 127.0.0.1:9092
 *   --registry-url URL             default $REKEY_REGISTRY_URL or http://127.0.0.1:8081
 *   --rate N                       ordinary events per second (default 20)
 *   --rogue-after DURATION         when carol goes rogue (default PT10S)
 *   --rogue-every DURATION         time between her bursts (default PT30S)
 *   --duration DURATION            stop after this long (default: run until interrupted)
 *   --backfill-days N              history written to an empty topic first (default 21; 0 for none)
 *   --no-honeytoken                do not register demo/honeytoken/aws-root-key
 *   --seed N                       random seed (default 42)
 *   --access-topic, --registry-topic  topic names (default the catalogue's)
 * </pre>
 */
public final class DemoTraffic {

    /** How the traffic runs. */
    public record Options(KafkaClients clients, String accessTopic, String registryTopic, double ratePerSecond,
                          Duration rogueAfter, Duration rogueEvery, Duration duration, int backfillDays,
                          boolean honeytoken, long seed) {
        public Options {
            Objects.requireNonNull(clients, "clients must not be null");
            Objects.requireNonNull(accessTopic, "accessTopic must not be null");
            Objects.requireNonNull(registryTopic, "registryTopic must not be null");
            Objects.requireNonNull(rogueAfter, "rogueAfter must not be null");
            Objects.requireNonNull(rogueEvery, "rogueEvery must not be null");
            if (ratePerSecond < 0 || ratePerSecond > 100_000) {
                throw new IllegalArgumentException("--rate must be from 0 to 100000 events per second, was " + ratePerSecond);
            }
            if (backfillDays < 0 || backfillDays > 60) {
                throw new IllegalArgumentException("--backfill-days must be from 0 to 60, was " + backfillDays);
            }
            if (rogueEvery.isZero() || rogueEvery.isNegative()) {
                throw new IllegalArgumentException("--rogue-every must be positive, was " + rogueEvery);
            }
        }
    }

    /** What was sent. */
    public record Sent(long backfill, long ordinary, long rogueBursts) {
    }

    private static final Duration TICK = Duration.ofMillis(100);

    private final Options options;
    private final Clock clock;
    private final PrintStream log;
    private final AtomicBoolean stopped = new AtomicBoolean();

    public DemoTraffic(Options options, Clock clock, PrintStream log) {
        this.options = Objects.requireNonNull(options, "options must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.log = Objects.requireNonNull(log, "log must not be null");
    }

    public static void main(String[] args) {
        Flags flags;
        try {
            flags = Flags.parse(args, Set.of("bootstrap-servers", "registry-url", "rate", "rogue-after", "rogue-every",
                    "duration", "backfill-days", "seed", "access-topic", "registry-topic"), Set.of("no-honeytoken", "help"));
        } catch (IllegalArgumentException e) {
            System.err.println(e.getMessage());
            System.exit(2);
            return;
        }
        if (flags.has("help")) {
            System.out.println("see the class documentation of " + DemoTraffic.class.getName() + " for flags");
            return;
        }
        KafkaClients clients = KafkaClients.of(flags.setting("bootstrap-servers", "REKEY_KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092"),
                flags.setting("registry-url", "REKEY_REGISTRY_URL", "http://127.0.0.1:8081"));
        Options options = new Options(clients, flags.get("access-topic", Topics.ACCESS_EVENTS.name()),
                flags.get("registry-topic", Topics.REGISTRY.name()), flags.number("rate", 20),
                flags.duration("rogue-after", Duration.ofSeconds(10)), flags.duration("rogue-every", Duration.ofSeconds(30)),
                flags.duration("duration", null), (int) flags.number("backfill-days", 21), !flags.has("no-honeytoken"),
                (long) flags.number("seed", 42));
        DemoTraffic demo = new DemoTraffic(options, Clock.systemUTC(), System.out);
        Thread main = Thread.currentThread();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            demo.stop();
            try {
                main.join(5000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }));
        demo.run();
    }

    public void stop() {
        stopped.set(true);
    }

    /** Sends until the duration passes or {@link #stop()} is called. */
    public Sent run() {
        DemoScenario scenario = new DemoScenario(options.seed());
        Map<String, Object> config = options.clients().producerConfig("rekey-demo-traffic");
        // Bulk demo traffic: batch a little rather than send every record alone.
        config.put(ProducerConfig.LINGER_MS_CONFIG, 20);
        try (KafkaProducer<String, SpecificRecord> producer = new KafkaProducer<>(config, new StringSerializer(),
                AvroSerdes.valueSerializer(options.clients().registry()))) {
            if (options.honeytoken()) {
                producer.send(new ProducerRecord<>(options.registryTopic(), DemoScenario.HONEYTOKEN,
                        DemoScenario.honeytoken(clock.instant())));
            }
            long backfill = 0;
            if (options.backfillDays() > 0 && topicIsEmpty()) {
                List<AccessEvent> history = scenario.backfill(clock.instant(), options.backfillDays());
                history.forEach(e -> send(producer, e));
                producer.flush();
                backfill = history.size();
                log.printf("wrote %d events of history (%d days) to %s%n", backfill, options.backfillDays(), options.accessTopic());
            }
            // Live traffic, and the times it is measured from, start once the history is written.
            Instant start = clock.instant();
            long ordinary = 0;
            long bursts = 0;
            double owed = 0;
            Instant nextBurst = start.plus(options.rogueAfter());
            Instant nextReport = start.plusSeconds(10);
            while (!stopped.get() && (options.duration() == null || clock.instant().isBefore(start.plus(options.duration())))) {
                Instant now = clock.instant();
                owed += options.ratePerSecond() * TICK.toMillis() / 1000.0;
                int due = (int) owed;
                owed -= due;
                scenario.normal(now, due).forEach(e -> send(producer, e));
                ordinary += due;
                if (!now.isBefore(nextBurst)) {
                    scenario.rogueBurst(now).forEach(e -> send(producer, e));
                    bursts++;
                    nextBurst = now.plus(options.rogueEvery());
                    log.printf("%s went rogue (burst %d)%n", DemoScenario.ROGUE, bursts);
                }
                if (!now.isBefore(nextReport)) {
                    log.printf("sent %d ordinary events, %d rogue bursts%n", ordinary, bursts);
                    nextReport = now.plusSeconds(10);
                }
                pause();
            }
            producer.flush();
            return new Sent(backfill, ordinary, bursts);
        }
    }

    private void send(KafkaProducer<String, SpecificRecord> producer, AccessEvent event) {
        // The record timestamp is the event's own time, as a collector forwarding events would set it.
        producer.send(new ProducerRecord<>(options.accessTopic(), null, event.getOccurredAt().toEpochMilli(),
                event.getPrincipalId(), event));
    }

    private boolean topicIsEmpty() {
        try (Admin admin = Admin.create(options.clients().adminConfig())) {
            int partitions = admin.describeTopics(List.of(options.accessTopic())).allTopicNames().get(30, TimeUnit.SECONDS)
                    .get(options.accessTopic()).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(options.accessTopic(), p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get(30, TimeUnit.SECONDS).values().stream().allMatch(o -> o.offset() == 0);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        } catch (Exception e) {
            throw new IllegalStateException("cannot look at " + options.accessTopic() + ": " + e.getMessage(), e);
        }
    }

    private void pause() {
        try {
            // Paces the traffic generator; nothing waits on a result here.
            Thread.sleep(TICK.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopped.set(true);
        }
    }
}
