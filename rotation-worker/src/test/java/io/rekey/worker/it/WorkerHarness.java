package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.Category;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.schema.TargetRef;
import io.rekey.schema.signing.CommandSignatures;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import io.rekey.testkit.postgres.Postgres;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import io.rekey.store.postgres.EnvelopeCipher;
import io.rekey.store.postgres.PostgresSecretStore;
import org.apache.kafka.clients.consumer.ConsumerRecord;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A rotation worker (the real Micronaut application context) wired to the test stack's broker and registry,
 * with a secret store in its own PostgreSQL database, a trusted issuer key, and helpers to register secrets,
 * send signed commands and follow their events.
 */
public final class WorkerHarness implements AutoCloseable {

    public static final String ISSUER = "it-issuer";

    public final RekeyStack stack;
    public final Postgres.TestDatabase storeDatabase;
    public final PostgresSecretStore store;
    public final KeyPair issuer = IssuerKeys.generate();
    public final Path dir;
    private final String keyset = EnvelopeCipher.newKeysetJson();

    public WorkerHarness(RekeyStack stack) {
        this.stack = stack;
        this.storeDatabase = Postgres.createDatabase("rekey_worker_it");
        try {
            dir = Files.createTempDirectory("worker-it");
            Files.createDirectories(dir.resolve("issuers"));
            Files.writeString(dir.resolve("issuers").resolve(ISSUER + ".pub"), IssuerKeys.publicPem(issuer.getPublic()));
            byte[] fingerprintKey = new byte[32];
            new SecureRandom().nextBytes(fingerprintKey);
            Files.write(dir.resolve("fingerprint.key"), fingerprintKey);
            Files.writeString(dir.resolve("keyset.json"), keyset);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.store = new PostgresSecretStore(storeDatabase.dataSource(), EnvelopeCipher.fromKeysetJson(keyset), 10);
        store.migrate();
    }

    /** Starts a worker; extra properties override the defaults (short retries for tests). */
    public ApplicationContext startWorker(String instanceId, Map<String, Object> overrides) {
        return ApplicationContext.run(workerProperties(instanceId, overrides));
    }

    /** The worker's configuration, as Micronaut properties (for a context here or -D options of a worker process). */
    public Map<String, Object> workerProperties(String instanceId, Map<String, Object> overrides) {
        Map<String, Object> props = new HashMap<>();
        props.put("rekey.kafka.bootstrap-servers", stack.bootstrapServers());
        props.put("rekey.registry.url", stack.registry().baseUrl().toString());
        props.put("rekey.worker.instance-id", instanceId);
        props.put("rekey.worker.retry-base-delay", "300ms");
        props.put("rekey.worker.retry-max-delay", "1s");
        props.put("rekey.worker.max-attempts", 2);
        props.put("rekey.worker.trusted-issuers-dir", dir.resolve("issuers").toString());
        props.put("rekey.worker.fingerprint-key-file", dir.resolve("fingerprint.key").toString());
        props.put("rekey.worker.store.postgres.url", storeDatabase.url());
        props.put("rekey.worker.store.postgres.keyset-file", dir.resolve("keyset.json").toString());
        props.putAll(overrides);
        return props;
    }

    /** A PostgreSQL login role managed by rekey, registered, with its current password stored as version v0. */
    public Managed managedRole(String prefix, String initialPassword) {
        return managedRole(prefix, initialPassword, Category.SERVICE);
    }

    public Managed managedRole(String prefix, String initialPassword, Category category) {
        Postgres.TestRole role = Postgres.createManagedRole(prefix, initialPassword);
        String secretId = "it/" + role.name();
        SecretDescriptor descriptor = descriptor(secretId, role.name(), category);
        stack.send(Topics.REGISTRY.name(), Map.entry(secretId, descriptor));
        store.putCurrent(descriptor.getStorePath(), "v0", SecretValue.of(initialPassword), null);
        return new Managed(secretId, descriptor.getStorePath(), role);
    }

    /**
     * Many managed roles at once, for benchmarks: role i gets password {@code passwordPrefix + i}, version v0 in the store,
     * and a descriptor in the registry, all sent by one producer.
     */
    public List<Managed> managedRoles(String prefix, int count, String passwordPrefix, Category category) {
        List<Managed> roles = new java.util.ArrayList<>();
        try (org.apache.kafka.clients.producer.KafkaProducer<String, SecretDescriptor> producer = stack.avroProducer()) {
            for (int i = 0; i < count; i++) {
                Postgres.TestRole role = Postgres.createManagedRole(prefix, passwordPrefix + i);
                String secretId = "it/" + role.name();
                SecretDescriptor descriptor = descriptor(secretId, role.name(), category);
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(Topics.REGISTRY.name(), secretId, descriptor));
                store.putCurrent(descriptor.getStorePath(), "v0", SecretValue.of(passwordPrefix + i), null);
                roles.add(new Managed(secretId, descriptor.getStorePath(), role));
            }
            producer.flush();
        }
        return roles;
    }

    private static SecretDescriptor descriptor(String secretId, String roleName, Category category) {
        SecretDescriptor descriptor = Samples.descriptor(secretId);
        descriptor.setStorePath("rekey/" + secretId);
        descriptor.setStrategy(RotationStrategy.SINGLE_USER);
        descriptor.setTarget(TargetRef.newBuilder().setKind(TargetKind.POSTGRESQL).setParams(Map.of(
                "host", Postgres.HOST, "port", Integer.toString(Postgres.PORT), "database", "postgres",
                "role", roleName, "adminUser", Postgres.ADMIN)).build());
        descriptor.getRotationPolicy().setGracePeriodSeconds(0L);
        descriptor.setCategory(category);
        return descriptor;
    }

    /** A secret registered with {@code initial} stored as CURRENT version v0 (none when {@code initial} is null). */
    Registered register(String secretId, TargetKind kind, RotationStrategy strategy, Map<String, String> params, SecretValue initial) {
        SecretDescriptor descriptor = Samples.descriptor(secretId);
        descriptor.setStorePath("rekey/" + secretId);
        descriptor.setStrategy(strategy);
        descriptor.setTarget(TargetRef.newBuilder().setKind(kind).setParams(params).build());
        descriptor.getRotationPolicy().setGracePeriodSeconds(0L);
        stack.send(Topics.REGISTRY.name(), Map.entry(secretId, descriptor));
        if (initial != null) {
            store.putCurrent(descriptor.getStorePath(), "v0", initial, null);
        }
        return new Registered(secretId, descriptor.getStorePath());
    }

    record Registered(String secretId, String storePath) {
    }

    /** The stored value of a version, or of the version carrying a label. */
    String value(Registered secret, Label label) {
        return store.read(secret.storePath(), label).orElseThrow(() -> new AssertionError("no " + label + " version")).reveal();
    }

    String value(Registered secret, String versionId) {
        return store.read(secret.storePath(), versionId).orElseThrow(() -> new AssertionError("no version " + versionId)).reveal();
    }

    /** A signed command asking for {@code grace} as the grace period. */
    RotationCommand command(String secretId, RotationReason reason, Duration grace) {
        RotationCommand command = command(secretId, reason);
        command.setGracePeriodMs(grace.toMillis());
        return CommandSignatures.sign(command, ISSUER, issuer.getPrivate());
    }

    /** Sends a command and returns its events once it ends (SUCCEEDED, FAILED, REFUSED or ABANDONED). */
    List<RotationEvent> rotate(RotationCommand command, Duration timeout) {
        send(command);
        return eventsUntil(command.getRotationId(), timeout, RotationPhase.SUCCEEDED, RotationPhase.FAILED, RotationPhase.REFUSED,
                RotationPhase.ABANDONED);
    }

    static RotationPhase last(List<RotationEvent> events) {
        return events.get(events.size() - 1).getPhase();
    }

    /** Lifecycle events of {@code secretId}, waiting until at least {@code atLeast} of {@code type} are there. */
    List<LifecycleEvent> lifecycleEvents(String secretId, LifecycleEventType type, int atLeast, Duration timeout) {
        return stack.<LifecycleEvent>readUntil(Topics.LIFECYCLE_EVENTS.name(), timeout,
                        rs -> rs.stream().filter(r -> secretId.equals(r.key()) && r.value().getType() == type).count() >= atLeast)
                .stream().filter(r -> secretId.equals(r.key())).map(ConsumerRecord::value).toList();
    }

    public record Managed(String secretId, String storePath, Postgres.TestRole role) implements AutoCloseable {
        @Override
        public void close() {
            role.close();
        }
    }

    public RotationCommand command(String secretId, RotationReason reason) {
        Instant now = Instant.now();
        RotationCommand unsigned = RotationCommand.newBuilder()
                .setId(UUID.randomUUID().toString()).setOccurredAt(now).setRotationId(UUID.randomUUID().toString())
                .setSecretId(secretId).setReason(reason).setPriority(0).setRequestedBy("it@example.com")
                .setIncidentId(null).setForce(true).setDryRun(false).setGracePeriodMs(null).setIssuedAt(now)
                .setIssuerKeyId("").setSignature(ByteBuffer.allocate(0)).build();
        return CommandSignatures.sign(unsigned, ISSUER, issuer.getPrivate());
    }

    public void send(RotationCommand command) {
        stack.send(Topics.ROTATION_COMMANDS.name(), Map.entry(command.getSecretId(), command));
    }

    /** Events of one rotation, waiting until one of them is in {@code until} (or the timeout passes). */
    public List<RotationEvent> eventsUntil(String rotationId, Duration timeout, RotationPhase... until) {
        List<RotationPhase> wanted = List.of(until);
        List<ConsumerRecord<String, RotationEvent>> records = stack.readUntil(Topics.ROTATION_EVENTS.name(), timeout,
                rs -> rs.stream().anyMatch(r -> r.value().getRotationId().equals(rotationId) && wanted.contains(r.value().getPhase())));
        return records.stream().map(ConsumerRecord::value).filter(e -> e.getRotationId().equals(rotationId)).toList();
    }

    @Override
    public void close() {
        storeDatabase.close();
    }
}
