package io.rekey.testkit;

import io.rekey.devstack.ApicurioRegistryProcess;
import io.rekey.devstack.KafkaBrokerProcess;
import io.rekey.devstack.Ports;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.registry.SchemaRegistrar;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.RegistrySettings;
import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.TopicInstaller;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.common.test.KafkaClusterTestKit;
import org.apache.kafka.common.test.TestKitNodes;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A real Kafka broker (KRaft, in this JVM) and the real Apicurio registry (a child process), both on free
 * loopback ports, with the catalogue's topics created and schemas registered. One per test JVM: get it
 * through {@link RekeyStackExtension}.
 */
public final class RekeyStack implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RekeyStack.class);

    private final KafkaClusterTestKit cluster;
    private final KafkaBrokerProcess brokerProcess;
    private final String bootstrapServers;
    private final ApicurioRegistryProcess registryProcess;
    private final RegistrySettings registry;
    private final Admin admin;

    private RekeyStack(KafkaClusterTestKit cluster, KafkaBrokerProcess brokerProcess, ApicurioRegistryProcess registryProcess) {
        this.cluster = cluster;
        this.brokerProcess = brokerProcess;
        this.bootstrapServers = cluster != null ? cluster.bootstrapServers() : brokerProcess.bootstrapServers();
        this.registryProcess = registryProcess;
        this.registry = RegistrySettings.of(registryProcess.url());
        this.admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers));
    }

    /** Starts broker and registry in parallel, then creates topics and registers schemas. */
    static RekeyStack start() throws Exception {
        long started = System.nanoTime();
        Path workDir = Files.createTempDirectory("rekey-stack");
        CompletableFuture<ApicurioRegistryProcess> registry = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistryProcess.start(Ports.free(), null, workDir.resolve("registry.log"));
            } catch (Exception e) {
                throw new IllegalStateException("schema registry did not start: " + e.getMessage(), e);
            }
        });
        KafkaClusterTestKit cluster = startCluster();
        RekeyStack stack;
        try {
            stack = new RekeyStack(cluster, null, registry.get(120, TimeUnit.SECONDS));
        } catch (Exception e) {
            cluster.close();
            registry.thenAccept(ApicurioRegistryProcess::close);
            throw e;
        }
        return stack.prepared(started);
    }

    /**
     * A stack of separate processes (broker and registry each in their own JVM, as in production), for benchmarks
     * and tests that kill or restart the broker. The caller closes it.
     */
    public static RekeyStack startProcesses(Path workDir) throws Exception {
        long started = System.nanoTime();
        Files.createDirectories(workDir);
        CompletableFuture<ApicurioRegistryProcess> registry = CompletableFuture.supplyAsync(() -> {
            try {
                return ApicurioRegistryProcess.start(Ports.free(), null, workDir.resolve("registry.log"));
            } catch (Exception e) {
                throw new IllegalStateException("schema registry did not start: " + e.getMessage(), e);
            }
        });
        KafkaBrokerProcess broker = KafkaBrokerProcess.start(workDir.resolve("kafka"), Ports.free(), Ports.free(), workDir.resolve("kafka.log"));
        try {
            return new RekeyStack(null, broker, registry.get(120, TimeUnit.SECONDS)).prepared(started);
        } catch (Exception e) {
            broker.close();
            registry.thenAccept(ApicurioRegistryProcess::close);
            throw e;
        }
    }

    /** Creates the catalogue's topics and registers its schemas. */
    private RekeyStack prepared(long started) {
        new TopicInstaller(admin, (short) 1).installAll();
        new SchemaRegistrar(new ConfluentRegistryClient(registry)).registerAll();
        LOG.info("rekey test stack up in {} ms: broker {}, registry {} (log {})",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), bootstrapServers, registry.baseUrl(),
                registryProcess.process().logFile());
        return this;
    }

    private static KafkaClusterTestKit startCluster() throws Exception {
        KafkaClusterTestKit cluster = singleNode(new TestKitNodes.Builder()
                .setCombined(true).setNumBrokerNodes(1).setNumControllerNodes(1).build()).build();
        cluster.format();
        cluster.startup();
        cluster.waitForReadyBrokers();
        return cluster;
    }

    /**
     * A builder for a one-node in-JVM cluster with the settings one node needs (replication 1 for internal topics, no
     * rebalance delay, no topic auto-creation), for tests that need a broker configured differently (SASL, ACLs).
     */
    public static KafkaClusterTestKit.Builder singleNode(TestKitNodes nodes) {
        return new KafkaClusterTestKit.Builder(nodes)
                .setConfigProp("offsets.topic.replication.factor", "1")
                .setConfigProp("transaction.state.log.replication.factor", "1")
                .setConfigProp("transaction.state.log.min.isr", "1")
                .setConfigProp("share.coordinator.state.topic.replication.factor", "1")
                .setConfigProp("share.coordinator.state.topic.min.isr", "1")
                .setConfigProp("group.initial.rebalance.delay.ms", "0")
                .setConfigProp("auto.create.topics.enable", "false");
    }

    public String bootstrapServers() {
        return bootstrapServers;
    }

    public RegistrySettings registry() {
        return registry;
    }

    public ConfluentRegistryClient registryClient() {
        return new ConfluentRegistryClient(registry);
    }

    /** The in-JVM broker, for tests that restart or inspect it. */
    public KafkaClusterTestKit cluster() {
        if (cluster == null) {
            throw new IllegalStateException("this stack's broker is a process: use brokerProcess()");
        }
        return cluster;
    }

    /**
     * Shuts the in-JVM broker down (its KRaft controller keeps running), for tests of what survives a broker outage;
     * {@link #startBroker()} brings it back on the same port with the same data.
     */
    public void stopBroker() {
        cluster().brokers().values().forEach(broker -> {
            broker.shutdown();
            broker.awaitShutdown();
        });
        LOG.info("broker stopped");
    }

    /** Starts the broker {@link #stopBroker()} stopped and waits until it serves again. */
    public void startBroker() {
        try {
            cluster().brokers().values().forEach(broker -> broker.startup());
            cluster().waitForReadyBrokers();
        } catch (Exception e) {
            throw new IllegalStateException("broker did not come back", e);
        }
        LOG.info("broker started again");
    }

    /** The broker process of a stack from {@link #startProcesses}. */
    public KafkaBrokerProcess brokerProcess() {
        if (brokerProcess == null) {
            throw new IllegalStateException("this stack's broker runs in this JVM: use cluster()");
        }
        return brokerProcess;
    }

    public Admin admin() {
        return admin;
    }

    /** A name no other test in this JVM uses, for topics, groups and application ids. */
    public static String unique(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a fresh topic with the catalogue configuration of {@code like} under a unique name. */
    public String createTopicLike(Topic<?> like, String prefix) {
        String name = unique(prefix);
        createTopic(new NewTopic(name, like.partitions(), (short) 1).configs(like.configs()));
        return name;
    }

    public void createTopic(NewTopic topic) {
        try {
            admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot create topic " + topic.name(), e);
        }
    }

    public Map<String, Object> producerConfig() {
        Map<String, Object> config = new HashMap<>(registry.serdeConfig());
        config.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ProducerConfig.ACKS_CONFIG, "all");
        config.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        return config;
    }

    public Map<String, Object> consumerConfig(String groupId) {
        Map<String, Object> config = new HashMap<>(registry.serdeConfig());
        config.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        config.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        config.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        config.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        return config;
    }

    /** A producer of Avro values in the Confluent wire format, as every rekey service produces them. */
    public <V extends SpecificRecord> KafkaProducer<String, V> avroProducer() {
        return new KafkaProducer<>(producerConfig(), new StringSerializer(), AvroSerdes.valueSerializer(registry));
    }

    /** Sends records and waits until the broker has them. */
    @SafeVarargs
    public final <V extends SpecificRecord> void send(String topic, Map.Entry<String, V>... records) {
        try (KafkaProducer<String, V> producer = avroProducer()) {
            for (Map.Entry<String, V> record : records) {
                producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())).get(30, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /** Raw bytes, for hostile-input tests. */
    public void sendRaw(String topic, byte[] key, byte[] value) {
        Map<String, Object> config = producerConfig();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config,
                new org.apache.kafka.common.serialization.ByteArraySerializer(), new org.apache.kafka.common.serialization.ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot send to " + topic, e);
        }
    }

    /**
     * Reads {@code topic} from the beginning (read_committed) until {@code done} holds for what was read or the
     * timeout passes; returns what was read.
     */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readUntil(String topic, Duration timeout,
                                                         Predicate<List<ConsumerRecord<String, V>>> done) {
        Map<String, Object> config = consumerConfig(unique("reader"));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.<V>valueDeserializer(registry))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && !done.test(records)) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every committed record of {@code topic} up to where it ends now, decoded. */
    public <V extends SpecificRecord> List<ConsumerRecord<String, V>> readAll(String topic) {
        Map<String, Object> config = consumerConfig(unique("reader"));
        List<ConsumerRecord<String, V>> records = new ArrayList<>();
        try (KafkaConsumer<String, V> consumer = new KafkaConsumer<>(config, new StringDeserializer(),
                AvroSerdes.<V>valueDeserializer(registry))) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (partitions.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("reading " + topic + " to its end took longer than 60 s");
                }
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    /** Raw records of a topic from the beginning, without decoding: what any client sees on the wire. */
    public List<ConsumerRecord<byte[], byte[]>> readRaw(String topic, Duration timeout, int atLeast) {
        Map<String, Object> config = consumerConfig(unique("raw-reader"));
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + timeout.toNanos();
            while (System.nanoTime() < deadline && records.size() < atLeast) {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        registryProcess.close();
        if (brokerProcess != null) {
            brokerProcess.close();
            return;
        }
        try {
            cluster.close();
        } catch (Exception e) {
            LOG.warn("broker did not close cleanly", e);
        }
    }
}
