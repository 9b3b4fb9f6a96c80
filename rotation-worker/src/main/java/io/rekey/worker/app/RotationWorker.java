package io.rekey.worker.app;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.signing.CommandVerifier;
import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.Topics;
import io.rekey.worker.engine.RetryPolicy;
import io.rekey.worker.engine.RotationDecider;
import io.rekey.worker.engine.RotationEngine;
import io.rekey.worker.engine.RotationEvents;
import io.rekey.worker.engine.RotationRunner;
import io.rekey.worker.engine.StoreTargetActions;
import io.rekey.worker.kafka.CommandIntake;
import io.rekey.worker.kafka.CompactedTopicView;
import io.rekey.worker.kafka.EventPublisher;
import io.rekey.worker.kafka.Partitions;
import io.rekey.worker.kafka.RotationLog;
import io.rekey.worker.kafka.SecretHistories;
import io.rekey.worker.registry.Descriptors;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.Fingerprinter;
import io.rekey.store.SecretStore;
import io.rekey.worker.target.TargetRegistry;
import io.rekey.worker.target.vault.LeaseKeeper;
import io.rekey.worker.target.vault.VaultLeases;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/** The running worker: registry and emergency views, the transactional publisher, the engine and command intake. */
public final class RotationWorker implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RotationWorker.class);

    private final KafkaClients clients;
    private final WorkerSettings settings;
    private final SecretStore store;
    private final TargetRegistry targets;
    private final TargetServices targetServices;
    private final CommandVerifier verifier;
    private final Fingerprinter fingerprinter;
    private final Clock clock;
    private final MeterRegistry meters;
    private final String groupId;

    private CompactedTopicView<SecretDescriptor> registry;
    private CompactedTopicView<EmergencyMode> control;
    private EventPublisher publisher;
    private RotationEngine engine;
    private CommandIntake intake;
    private Thread intakeThread;
    private ExecutorService phaseThreads;
    private ScheduledExecutorService leaseTimer;

    RotationWorker(KafkaClients clients, WorkerSettings settings, SecretStore store, TargetRegistry targets,
                   TargetServices targetServices, CommandVerifier verifier, Fingerprinter fingerprinter, Clock clock, MeterRegistry meters) {
        this.clients = clients;
        this.settings = settings;
        this.store = store;
        this.targets = targets;
        this.targetServices = targetServices;
        this.verifier = verifier;
        this.fingerprinter = fingerprinter;
        this.clock = clock;
        this.meters = meters;
        this.groupId = "rekey-rotation-worker";
    }

    public void start() {
        String id = settings.instanceId();
        publisher = new EventPublisher(() -> new KafkaProducer<>(
                clients.transactionalProducerConfig("rekey-worker-" + id, "rekey-rotation-worker-" + id),
                new StringSerializer(), AvroSerdes.<SpecificRecord>valueSerializer(clients.registry())));
        targetServices.facts().attach(publisher);
        registry = view(Topics.REGISTRY, "registry");
        control = view(Topics.CONTROL, "control");
        if (!registry.awaitCaughtUp(Duration.ofSeconds(60))) {
            LOG.warn("registry view not caught up after 60 s; rotations of secrets not yet read will wait for it");
        }
        Descriptors descriptors = secretId -> registry.get(secretId)
                .or(() -> registry.awaitCaughtUp(Duration.ofSeconds(5)) ? registry.get(secretId) : Optional.empty());

        RotationDecider decider = new RotationDecider(
                new RetryPolicy(settings.maxAttempts(), settings.retryBaseDelay(), settings.retryMaxDelay()),
                settings.rotationTimeout(), settings.recentRotationGuard(), settings.maxGracePeriod());
        RotationEvents events = new RotationEvents(id);
        SecretHistories histories = new SecretHistories();
        int partitions = Topics.ROTATION_COMMANDS.partitions();
        phaseThreads = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "rotation-phase");
            t.setDaemon(true);
            return t;
        });
        RotationRunner runner = new RotationRunner(decider,
                new StoreTargetActions(descriptors, store, targets, new CredentialGenerator(new SecureRandom()), fingerprinter),
                records -> {
                    publisher.publish(records);
                    histories.applyCommitted(records, partitions);
                },
                events, clock, new SecureRandom(), settings.phaseTimeout(), phaseThreads, new WorkerMetrics(meters));
        engine = new RotationEngine(runner, settings.concurrency(), clock, this::emergencyMode);
        control.onChange(() -> {
            if (!emergencyMode()) {
                engine.releaseHeld();
            }
        });
        Gauge.builder("rekey.rotations.in.flight", engine, e -> e.inFlight().size())
                .description("Rotations this worker is running, queued or waiting on").register(meters);

        Map<String, Object> consumerConfig = clients.consumerConfig(groupId, "rekey-worker-" + id + "-commands");
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 200);
        // Static membership: a worker restarted after a crash takes its partitions back at once instead of waiting for
        // the group to notice the dead member; a graceful stop leaves the group explicitly (see CommandIntake.run).
        consumerConfig.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, "rekey-rotation-worker-" + id);
        consumerConfig.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, (int) settings.sessionTimeout().toMillis());
        intake = new CommandIntake(
                new KafkaConsumer<>(consumerConfig, new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), RotationCommand.class)),
                publisher, verifier, decider, engine, histories,
                new RotationLog(() -> new KafkaConsumer<>(clients.consumerConfig(groupId + "-rebuild", "rekey-worker-" + id + "-rebuild"),
                        new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), RotationEvent.class))),
                descriptors, events, clock,
                new CommandIntake.Settings(groupId, partitions, settings.rebuildLookback(), settings.commandMaxAge()), meters);
        intakeThread = new Thread(intake, "command-intake");
        intakeThread.start();
        targetServices.vault().ifPresent(vault -> startLeaseKeeper(vault, partitions));
        LOG.info("rotation worker {} started with concurrency {}", id, settings.concurrency());
    }

    /** Renews the CURRENT leases of the VAULT_DYNAMIC secrets in the partitions this worker owns. */
    private void startLeaseKeeper(VaultLeases vault, int partitions) {
        LeaseKeeper keeper = new LeaseKeeper(registry::values, secretId -> engine.owns(Partitions.of(secretId, partitions)), store, vault,
                targetServices.facts(), clock, targetServices.leaseRefreshMargin());
        leaseTimer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "vault-lease-keeper");
            t.setDaemon(true);
            return t;
        });
        long every = targetServices.leaseCheckInterval().toMillis();
        leaseTimer.scheduleWithFixedDelay(keeper::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Whether command intake is running (for health). */
    public boolean isRunning() {
        return intakeThread != null && intakeThread.isAlive();
    }

    public int rotationsInFlight() {
        return engine == null ? 0 : engine.inFlight().size();
    }

    public boolean emergencyMode() {
        return control != null && control.get(Topics.EMERGENCY_KEY).map(EmergencyMode::getActive).orElse(false);
    }

    private <V extends SpecificRecord> CompactedTopicView<V> view(Topic<V> topic, String name) {
        return new CompactedTopicView<>(topic.name(),
                () -> new KafkaConsumer<>(clients.consumerConfig(groupId + "-" + name + "-" + settings.instanceId(),
                        "rekey-worker-" + settings.instanceId() + "-" + name),
                        new StringDeserializer(), AvroSerdes.safeValueDeserializer(clients.registry(), topic.valueType())),
                this::deadLetter);
    }

    private <V> void deadLetter(ConsumerRecord<String, Decoded<V>> record, Decoded.Malformed<V> malformed) {
        var letter = DeadLetters.malformed(record, malformed, groupId, clock.instant());
        publisher.publishAsync(List.of(new ProducerRecord<>(Topics.DLQ.name(), DeadLetters.key(record.key()), letter)), Map.of(), null);
        meters.counter("rekey.dlq.messages", "source_topic", record.topic()).increment();
        LOG.warn("{}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(), malformed.reason());
    }

    @Override
    public void close() {
        // Stop rotations first (each after the step it is in, while the publisher can still record it), then intake:
        // commands accepted meanwhile are resumed from their REQUESTED event by whichever worker owns them next.
        if (engine != null) {
            engine.close();
        }
        if (intake != null) {
            intake.close();
            try {
                intakeThread.join(30_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (leaseTimer != null) {
            leaseTimer.shutdownNow();
        }
        if (phaseThreads != null) {
            phaseThreads.shutdownNow();
        }
        if (publisher != null) {
            publisher.close();
        }
        if (registry != null) {
            registry.close();
        }
        if (control != null) {
            control.close();
        }
        LOG.info("rotation worker {} stopped", settings.instanceId());
    }
}
