package io.rekey.service;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.TopicInstaller;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyStack;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
import org.apache.kafka.common.network.ListenerName;
import org.apache.kafka.common.security.auth.SecurityProtocol;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented access control (docs/security.md) on a real broker with SASL/SCRAM-SHA-512 and the standard KRaft
 * authorizer: each service principal, configured the way the services are ({@code rekey.kafka.security.*} with the
 * JAAS configuration in a file), can do its job and is refused outside its grants. The grants are
 * {@link ServiceAcls}, the one list the document is written from.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KafkaAccessControlIT {

    private KafkaClusterTestKit cluster;
    private Path jaasDir;
    private Admin admin;
    private final Map<String, String> passwords = new java.util.HashMap<>();

    @BeforeAll
    void startSecuredBroker() throws Exception {
        jaasDir = Files.createTempDirectory("rekey-jaas");
        cluster = RekeyStack.singleNode(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1)
                .setBrokerListenerName(ListenerName.normalised("EXTERNAL"))
                .setBrokerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT)
                .setControllerSecurityProtocol(SecurityProtocol.SASL_PLAINTEXT).build())
                .setConfigProp("sasl.enabled.mechanisms", "PLAIN,SCRAM-SHA-512")
                .setConfigProp("listener.name.external.scram-sha-512.sasl.jaas.config",
                        "org.apache.kafka.common.security.scram.ScramLoginModule required;")
                .setConfigProp("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer")
                // The test kit's inter-broker and admin identity; no service principal is a super user.
                .setConfigProp("super.users", "User:plain-admin")
                .setConfigProp("allow.everyone.if.no.acl.found", "false")
                .build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        // The test kit's PLAIN super user stands for the operator who installs topics, users and ACLs.
        java.util.Properties operator = cluster.clientProperties();
        operator.put("security.protocol", "SASL_PLAINTEXT");
        operator.put("sasl.mechanism", "PLAIN");
        operator.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required "
                + "username=\"plain-admin\" password=\"plain-admin-secret\";");
        admin = Admin.create(operator);
        new TopicInstaller(admin, (short) 1).installAll();
        List<UserScramCredentialUpsertion> users = new ArrayList<>();
        for (String principal : ServiceAcls.PRINCIPALS) {
            String password = UUID.randomUUID().toString();
            passwords.put(principal, password);
            users.add(new UserScramCredentialUpsertion(principal, new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 8192), password));
        }
        admin.alterUserScramCredentials(new ArrayList<>(users)).all().get(30, TimeUnit.SECONDS);
        admin.createAcls(ServiceAcls.bindings()).all().get(30, TimeUnit.SECONDS);
        // Credentials and ACLs reach the broker through the metadata log a moment after the controller accepts them.
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ServiceAcls.PRINCIPALS.stream().allMatch(this::authenticates)) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("the service principals' SCRAM credentials did not reach the broker within 60 s");
            }
        }
    }

    private boolean authenticates(String principal) {
        Map<String, Object> config = new java.util.HashMap<>(clientsOf(principal, passwords.get(principal), jaasDir).adminConfig());
        try (Admin as = Admin.create(config)) {
            as.describeCluster().clusterId().get(10, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    @AfterAll
    void stop() throws Exception {
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
        if (cluster != null) {
            cluster.close();
        }
    }

    @Test
    void theWorkerPrincipalConsumesCommandsAndCommitsItsEventsInATransaction(@TempDir Path dir) throws Exception {
        KafkaClients worker = clientsOf(ServiceAcls.WORKER, passwords.get(ServiceAcls.WORKER), dir);
        String commands = Topics.ROTATION_COMMANDS.name();
        KafkaClients cli = clientsOf(ServiceAcls.CLI, passwords.get(ServiceAcls.CLI), dir);
        try (KafkaProducer<byte[], byte[]> producer = producer(cli.producerConfig("rekey-cli"))) {
            producer.send(new ProducerRecord<>(commands, "db/x".getBytes(), new byte[] {0})).get(30, TimeUnit.SECONDS);
        }

        try (KafkaConsumer<byte[], byte[]> consumer = consumer(worker.consumerConfig("rekey-rotation-worker", "rekey-worker-it-commands"));
             KafkaProducer<byte[], byte[]> producer = producer(worker.transactionalProducerConfig("rekey-worker-it", "rekey-rotation-worker-it"))) {
            consumer.subscribe(List.of(commands));
            ConsumerRecords<byte[], byte[]> records = ConsumerRecords.empty();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            while (records.isEmpty() && System.nanoTime() < deadline) {
                records = consumer.poll(Duration.ofMillis(500));
            }
            assertThat(records.count()).isEqualTo(1);
            var record = records.iterator().next();
            producer.initTransactions();
            producer.beginTransaction();
            for (String topic : List.of(Topics.ROTATION_EVENTS.name(), Topics.SECRET_CHANGED.name(), Topics.LIFECYCLE_EVENTS.name(),
                    Topics.ACCESS_EVENTS.name(), Topics.DLQ.name())) {
                producer.send(new ProducerRecord<>(topic, record.key(), new byte[] {1}));
            }
            producer.sendOffsetsToTransaction(Map.of(new TopicPartition(commands, record.partition()),
                    new OffsetAndMetadata(record.offset() + 1)), consumer.groupMetadata());
            producer.commitTransaction();
        }
        assertThat(admin.listConsumerGroupOffsets("rekey-rotation-worker").partitionsToOffsetAndMetadata().get(30, TimeUnit.SECONDS))
                .as("the worker's offsets were committed in its transaction").isNotEmpty();
    }

    @Test
    void theAuditPrincipalCannotIssueCommandsNorUseTheWorkersGroupOrTransactionalId(@TempDir Path dir) {
        KafkaClients audit = clientsOf(ServiceAcls.AUDIT, passwords.get(ServiceAcls.AUDIT), dir);
        try (KafkaProducer<byte[], byte[]> producer = producer(audit.producerConfig("rekey-audit-it"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.ROTATION_COMMANDS.name(), "db/x".getBytes(), new byte[] {0}))
                    .get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCauseInstanceOf(TopicAuthorizationException.class);
            // Its own outputs are open to it.
            assertThat(sendsTo(producer, Topics.ANOMALIES.name())).isTrue();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(audit.consumerConfig("rekey-rotation-worker", "rekey-audit-it"))) {
            consumer.subscribe(List.of(Topics.ACCESS_EVENTS.name()));
            assertThatThrownBy(() -> consumer.poll(Duration.ofSeconds(10))).isInstanceOf(GroupAuthorizationException.class);
        }
        try (KafkaProducer<byte[], byte[]> producer = producer(audit.transactionalProducerConfig("rekey-audit-it", "rekey-rotation-worker-it"))) {
            assertThatThrownBy(producer::initTransactions).isInstanceOf(TransactionalIdAuthorizationException.class);
        }
    }

    @Test
    void theLifecyclePrincipalCannotWriteTheAuditLogAndAWrongPasswordIsRefused(@TempDir Path dir) throws Exception {
        KafkaClients lifecycle = clientsOf(ServiceAcls.LIFECYCLE, passwords.get(ServiceAcls.LIFECYCLE), dir);
        try (KafkaProducer<byte[], byte[]> producer = producer(lifecycle.producerConfig("rekey-lifecycle-it"))) {
            assertThat(sendsTo(producer, Topics.REGISTRY.name())).isTrue();
            assertThat(sendsTo(producer, Topics.AUDIT_LOG.name())).isFalse();
        }
        KafkaClients impostor = clientsOf(ServiceAcls.WORKER, "not-the-password", dir);
        try (KafkaProducer<byte[], byte[]> producer = producer(impostor.producerConfig("impostor"))) {
            assertThatThrownBy(() -> producer.send(new ProducerRecord<>(Topics.ROTATION_EVENTS.name(), new byte[] {1})).get(30, TimeUnit.SECONDS))
                    .hasCauseInstanceOf(SaslAuthenticationException.class);
        }
    }

    /** Whether the producer may write {@code topic}: true when acknowledged, false when the broker refuses. */
    private static boolean sendsTo(KafkaProducer<byte[], byte[]> producer, String topic) throws Exception {
        try {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(), new byte[] {1})).get(30, TimeUnit.SECONDS);
            return true;
        } catch (ExecutionException e) {
            if (e.getCause() instanceof TopicAuthorizationException) {
                return false;
            }
            throw e;
        }
    }

    /** Client settings as a service builds them from {@code rekey.kafka.security.*}, with the JAAS config in a file. */
    private KafkaClients clientsOf(String principal, String password, Path dir) {
        try {
            Path jaas = Files.createTempFile(dir, principal, ".jaas",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(jaas, "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + principal
                    + "\" password=\"" + password + "\";\n");
            try (ApplicationContext context = ApplicationContext.run(Map.of(
                    "rekey.kafka.bootstrap-servers", cluster.bootstrapServers(),
                    "rekey.registry.url", "http://127.0.0.1:8081",
                    "rekey.kafka.security.security.protocol", "SASL_PLAINTEXT",
                    "rekey.kafka.security.sasl.mechanism", "SCRAM-SHA-512",
                    "rekey.kafka.security.sasl.jaas.config.file", jaas.toString()))) {
                return context.getBean(KafkaClients.class);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static KafkaProducer<byte[], byte[]> producer(Map<String, Object> config) {
        config.put("max.block.ms", 15_000);
        config.put("delivery.timeout.ms", 20_000);
        config.put("request.timeout.ms", 10_000);
        return new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer());
    }

    private static KafkaConsumer<byte[], byte[]> consumer(Map<String, Object> config) {
        return new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
