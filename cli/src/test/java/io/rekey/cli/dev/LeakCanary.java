package io.rekey.cli.dev;

import com.nimbusds.jose.util.JSONObjectUtils;
import io.rekey.store.SecretMetadata;
import io.rekey.store.SecretStore;
import io.rekey.store.SecretValue;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Looks for every stored secret value (every version the store still holds), in plain, base64 and hex form, in
 * what a run left behind: topic records, log files, metrics pages. Findings name the secret, the version, the form
 * and the place, never the value.
 */
final class LeakCanary {

    /** A form of one secret value, as ISO-8859-1 text so that any byte sequence can be searched with indexOf. */
    private record Needle(String description, String bytes) {
    }

    private final List<Needle> needles = new ArrayList<>();
    private final List<String> findings = new ArrayList<>();
    private final Map<String, Long> searched = new LinkedHashMap<>();
    private final Map<String, Integer> versions = new LinkedHashMap<>();

    /**
     * Collects every version of every path the store holds (paths with nothing stored are skipped); a JWK's private
     * part ({@code d}) is a needle of its own.
     */
    static LeakCanary of(SecretStore store, List<String> paths) {
        LeakCanary canary = new LeakCanary();
        for (String path : paths) {
            SecretMetadata metadata = store.describe(path).orElse(null);
            if (metadata == null) {
                continue;
            }
            canary.versions.merge(path, metadata.versionIds().size(), Integer::sum);
            for (String version : metadata.versionIds()) {
                try (SecretValue value = store.read(path, version).orElseThrow()) {
                    canary.add(path + " version " + version, value.utf8());
                    privateKeyPart(value.reveal()).ifPresent(d -> canary.add(path + " version " + version + " private key", d));
                }
            }
        }
        return canary;
    }

    private static java.util.Optional<byte[]> privateKeyPart(String value) {
        if (!value.startsWith("{")) {
            return java.util.Optional.empty();
        }
        try {
            return java.util.Optional.ofNullable(JSONObjectUtils.getString(JSONObjectUtils.parse(value), "d"))
                    .map(d -> d.getBytes(StandardCharsets.US_ASCII));
        } catch (ParseException e) {
            return java.util.Optional.empty();
        }
    }

    private void add(String what, byte[] value) {
        needles.add(new Needle(what + " (plain)", latin1(value)));
        needles.add(new Needle(what + " (base64)", Base64.getEncoder().withoutPadding().encodeToString(value)));
        needles.add(new Needle(what + " (base64url)", Base64.getUrlEncoder().withoutPadding().encodeToString(value)));
        needles.add(new Needle(what + " (hex)", HexFormat.of().formatHex(value)));
        needles.add(new Needle(what + " (HEX)", HexFormat.of().withUpperCase().formatHex(value)));
    }

    /** How many stored versions of each path the canary looks for. */
    Map<String, Integer> versions() {
        return versions;
    }

    /** Bytes searched per place, to show the canary looked at something. */
    Map<String, Long> searched() {
        return searched;
    }

    List<String> findings() {
        return findings;
    }

    void search(String where, byte[] haystack) {
        String text = latin1(haystack);
        searched.merge(where, (long) haystack.length, Long::sum);
        for (Needle needle : needles) {
            if (text.contains(needle.bytes())) {
                findings.add(needle.description() + " found in " + where);
            }
        }
    }

    /** Every file under {@code dir}, if it exists. */
    void searchFiles(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.filter(Files::isRegularFile).toList()) {
                search(file.toString(), Files.readAllBytes(file));
            }
        }
    }

    /** Keys, values and headers of every record of every topic on the broker, internal ones included. */
    void searchTopics(Map<String, Object> adminConfig) throws Exception {
        try (Admin admin = Admin.create(adminConfig)) {
            List<String> topics = new ArrayList<>(admin.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(true))
                    .names().get(30, TimeUnit.SECONDS));
            Map<String, Object> config = new LinkedHashMap<>(adminConfig);
            config.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted"); // aborted transactions count too
            config.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 16 * 1024 * 1024);
            try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(config, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                for (String topic : topics) {
                    List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                            .map(p -> new TopicPartition(topic, p.partition())).toList();
                    consumer.assign(partitions);
                    consumer.seekToBeginning(partitions);
                    Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
                    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                    long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
                    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
                        if (System.nanoTime() > deadline) {
                            throw new AssertionError("could not read " + topic + " to its end");
                        }
                        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(500))) {
                            write(bytes, record.key());
                            write(bytes, record.value());
                            for (Header header : record.headers()) {
                                write(bytes, header.value());
                            }
                        }
                    }
                    search("topic " + topic, bytes.toByteArray());
                }
            }
        }
    }

    private static void write(ByteArrayOutputStream out, byte[] bytes) {
        if (bytes != null) {
            out.writeBytes(bytes);
            out.write(0);
        }
    }

    private static String latin1(byte[] bytes) {
        return new String(bytes, StandardCharsets.ISO_8859_1);
    }
}
