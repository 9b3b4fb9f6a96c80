package io.rekey.testkit.fuzz;

import io.rekey.schema.DeadLetter;
import io.rekey.schema.registry.ConfluentRegistryClient;
import io.rekey.schema.serde.AvroSerdes;
import io.rekey.schema.serde.RegistrySettings;
import io.rekey.testkit.RekeyStack;
import io.rekey.testkit.Samples;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificData;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * A seeded generator of hostile values for one topic's consumer: bytes no decoder accepts (garbage, too short, wrong
 * magic byte, unknown schema id, truncated Avro, a record of another type) and well-formed records with absurd
 * content (empty ids, 10 MB strings, timestamps in year 9999, an enum symbol the reader does not know, SQL and shell
 * metacharacters, newlines that try to forge a log line). The same seed gives the same inputs, so a failure found in a
 * long soak ({@code -Drekey.fuzz.count=N -Drekey.fuzz.seed=S}) can be replayed.
 */
public final class HostileInputs {

    /** Marks a forged log line: a log line starting with it means untrusted text was logged raw. */
    public static final String FORGED_LOG_LINE = "FORGED-LOG-LINE";
    /** Size of the huge strings; a few per run, so CI time stays modest. */
    public static final int HUGE_CHARS = 10 * 1024 * 1024;
    /** Topic and producer limit for the huge values (a 10 MB string may also be the key); the broker default is 1 MB. */
    public static final int MAX_MESSAGE_BYTES = 24 * 1024 * 1024;
    private static final int HUGE_PER_RUN = 2;
    private static final Instant YEAR_9999 = Instant.parse("9999-12-31T23:59:59Z");
    private static final String UNKNOWN_SYMBOL = "FUZZ_UNKNOWN_SYMBOL";
    private static final List<String> METACHARACTERS = List.of(
            "'; DROP TABLE secrets; --", "\" OR 1=1 --", "$(rm -rf /)", "`id`", "a|b&c;d>e<f", "%s%n%x", "${jndi:ldap://x/a}",
            "../../etc/passwd", "\u0000nul", "\u202Eevil");

    /** What is wrong with an input. */
    public enum Kind {
        GARBAGE(true), TOO_SHORT(true), WRONG_MAGIC(true), UNKNOWN_SCHEMA_ID(true), TRUNCATED_AVRO(true), WRONG_RECORD_TYPE(true),
        UNKNOWN_ENUM_SYMBOL(false), EMPTY_ID(false), HUGE_STRING(false), YEAR_9999(false), METACHARACTERS(false), LOG_FORGERY(false);

        private final boolean undecodable;

        Kind(boolean undecodable) {
            this.undecodable = undecodable;
        }

        /** No consumer can decode it as its topic's type: it must be dead-lettered everywhere. */
        public boolean undecodable() {
            return undecodable;
        }
    }

    /**
     * One record to send: a hostile one, or a valid one sent between them (kind null).
     *
     * @param field the field a content mutation changed, or null
     */
    public record Input(Kind kind, String field, String key, byte[] value) {
        public boolean valid() {
            return kind == null;
        }

        @Override
        public String toString() {
            return kind + (field == null ? "" : "(" + field + ")") + " " + value.length + " bytes";
        }
    }

    /** An input as sent: where it landed. */
    public record Sent(Input input, int partition, long offset) {
        public String where() {
            return partition + "@" + offset;
        }
    }

    /**
     * What a consumer did with sent inputs, judged from its dead letters for their topic (letters about other offsets
     * are ignored, so other tests may share the topic).
     *
     * @param missing      inputs it had to refuse and did not dead-letter
     * @param unexpected   inputs it dead-lettered though it should have processed them
     * @param duplicated   offsets dead-lettered more than once
     * @param deadLettered dead letters about the sent inputs
     * @param badReasons   dead letters whose reason is blank or spans lines
     */
    public record Outcome(List<Input> missing, List<Input> unexpected, List<String> duplicated, int deadLettered, int badReasons) {
        public boolean asExpected() {
            return missing.isEmpty() && unexpected.isEmpty() && duplicated.isEmpty() && badReasons == 0;
        }
    }

    /** Compares the dead letters for {@code sent}'s topic with what {@code refuses} says must be refused. */
    public static Outcome outcome(List<Sent> sent, List<DeadLetter> letters, String sourceTopic, Predicate<Input> refuses) {
        Map<String, Input> byWhere = new HashMap<>();
        sent.forEach(s -> byWhere.put(s.where(), s.input()));
        Map<String, Integer> seen = new HashMap<>();
        int badReasons = 0;
        for (DeadLetter letter : letters) {
            String where = letter.getSourcePartition() + "@" + letter.getSourceOffset();
            if (letter.getSourceTopic().equals(sourceTopic) && byWhere.containsKey(where)) {
                seen.merge(where, 1, Integer::sum);
                if (letter.getReason().isBlank() || letter.getReason().contains("\n")) {
                    badReasons++;
                }
            }
        }
        List<Input> missing = new ArrayList<>();
        List<Input> unexpected = new ArrayList<>();
        for (Sent s : sent) {
            boolean mustRefuse = !s.input().valid() && refuses.test(s.input());
            boolean refused = seen.containsKey(s.where());
            if (mustRefuse && !refused) {
                missing.add(s.input());
            } else if (!mustRefuse && refused) {
                unexpected.add(s.input());
            }
        }
        List<String> duplicated = seen.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
        return new Outcome(missing, unexpected, duplicated, seen.values().stream().mapToInt(Integer::intValue).sum(), badReasons);
    }

    private final Random random;
    private final RegistrySettings registry;
    private final Serializer<SpecificRecord> serializer;
    private int hugeLeft = HUGE_PER_RUN;

    public HostileInputs(long seed, RegistrySettings registry) {
        this.random = new Random(seed);
        this.registry = registry;
        this.serializer = AvroSerdes.valueSerializer(registry);
    }

    /** Inputs per consumer: {@code -Drekey.fuzz.count}, 10,000 by default. */
    public static int count() {
        return Integer.getInteger("rekey.fuzz.count", 10_000);
    }

    /** The seed: {@code -Drekey.fuzz.seed}, fixed by default so CI runs are repeatable. */
    public static long seed() {
        return Long.getLong("rekey.fuzz.seed", 20261122L);
    }

    /**
     * {@code n} hostile values for {@code topic}, built from valid records of the topic's type.
     *
     * @param valid a fresh valid record on each call
     * @param keyOf the record key a producer would use for a record (applied after mutation)
     */
    public <V extends SpecificRecord> List<Input> generate(String topic, int n, Supplier<V> valid, Function<V, String> keyOf) {
        return generate(topic, n, valid, keyOf, true);
    }

    /** As above; {@code nullKeys} false for compacted topics, whose broker refuses records without a key. */
    public <V extends SpecificRecord> List<Input> generate(String topic, int n, Supplier<V> valid, Function<V, String> keyOf,
                                                           boolean nullKeys) {
        int enumSchemaId = registerWithExtraEnumSymbol(valid.get().getSchema());
        List<Input> inputs = new ArrayList<>(n);
        Kind[] kinds = Arrays.stream(Kind.values()).filter(k -> k != Kind.HUGE_STRING).toArray(Kind[]::new);
        for (int i = 0; i < n; i++) {
            Kind kind = hugeLeft > 0 && i % (Math.max(n / HUGE_PER_RUN, 1)) == n / (2 * HUGE_PER_RUN) ? Kind.HUGE_STRING
                    : kinds[random.nextInt(kinds.length)];
            if (kind == Kind.HUGE_STRING) {
                hugeLeft--;
            }
            V record = valid.get();
            inputs.add(input(topic, kind, record, keyOf, enumSchemaId, nullKeys));
        }
        return inputs;
    }

    /** A valid record, to send between the hostile ones. */
    public Input valid(String topic, SpecificRecord record, String key) {
        return new Input(null, null, key, serialize(topic, record));
    }

    /** The hostile inputs with the valid ones spread among them at random places, each list's order kept. */
    public List<Input> interleave(List<Input> hostile, List<Input> valid) {
        List<Input> all = new ArrayList<>(hostile);
        List<Integer> places = new ArrayList<>();
        for (int i = 0; i < valid.size(); i++) {
            places.add(random.nextInt(hostile.size() + 1));
        }
        places.sort(null);
        for (int i = valid.size() - 1; i >= 0; i--) {
            all.add(places.get(i), valid.get(i));
        }
        return all;
    }

    private <V extends SpecificRecord> Input input(String topic, Kind kind, V record, Function<V, String> keyOf, int enumSchemaId,
                                                   boolean nullKeys) {
        String key = keyOf.apply(record);
        byte[] bytes;
        switch (kind) {
            case GARBAGE -> {
                bytes = randomBytes(5 + random.nextInt(300));
                if (bytes[0] == 0) {
                    // The rare garbage with a valid magic byte gets an id no registry hands out.
                    ByteBuffer.wrap(bytes, 1, 4).putInt(0x7f000000 | random.nextInt(0xffffff));
                }
                return new Input(kind, null, randomKey(key, nullKeys), bytes);
            }
            case TOO_SHORT -> {
                return new Input(kind, null, randomKey(key, nullKeys), randomBytes(random.nextInt(5)));
            }
            case WRONG_MAGIC -> {
                bytes = serialize(topic, record);
                bytes[0] = (byte) (1 + random.nextInt(255));
                return new Input(kind, null, key, bytes);
            }
            case UNKNOWN_SCHEMA_ID -> {
                bytes = serialize(topic, record);
                ByteBuffer.wrap(bytes, 1, 4).putInt(50_000_000 + random.nextInt(1_000_000));
                return new Input(kind, null, key, bytes);
            }
            case TRUNCATED_AVRO -> {
                bytes = serialize(topic, record);
                return new Input(kind, null, key, Arrays.copyOf(bytes, 5 + random.nextInt(bytes.length - 5)));
            }
            case WRONG_RECORD_TYPE -> {
                // Valid Avro of a registered type that this topic does not carry (registered under its own subject).
                return new Input(kind, null, key, serialize("rekey.anomalies", Samples.anomaly(key == null ? "p" : key)));
            }
            case UNKNOWN_ENUM_SYMBOL -> {
                return new Input(kind, enumField(record.getSchema()).name(), key, withUnknownSymbol(record, enumSchemaId));
            }
            default -> {
                String field = mutate(kind, record, key);
                return new Input(kind, field, keyOf.apply(record), serialize(topic, record));
            }
        }
    }

    /** Applies a content mutation in place; returns the field it changed. */
    private String mutate(Kind kind, SpecificRecord record, String key) {
        List<Schema.Field> strings = record.getSchema().getFields().stream().filter(f -> isString(f.schema())).toList();
        Schema.Field field;
        switch (kind) {
            case EMPTY_ID -> {
                List<Schema.Field> ids = strings.stream().filter(f -> f.name().equals("id") || f.name().endsWith("Id")).toList();
                field = ids.get(random.nextInt(ids.size()));
                record.put(field.pos(), "");
            }
            case HUGE_STRING -> {
                // The first huge string goes into the field the record is keyed by, so the key is huge too.
                List<Schema.Field> keyFields = strings.stream().filter(f -> key != null && key.equals(record.get(f.pos()))).toList();
                field = hugeLeft % 2 == 1 && !keyFields.isEmpty() ? keyFields.get(0) : strings.get(random.nextInt(strings.size()));
                char[] huge = new char[HUGE_CHARS];
                Arrays.fill(huge, 'A');
                record.put(field.pos(), new String(huge));
            }
            case YEAR_9999 -> {
                List<Schema.Field> times = record.getSchema().getFields().stream().filter(f -> isTimestamp(f.schema())).toList();
                times.forEach(f -> record.put(f.pos(), YEAR_9999));
                field = times.get(0);
            }
            case METACHARACTERS -> {
                field = strings.get(random.nextInt(strings.size()));
                record.put(field.pos(), METACHARACTERS.get(random.nextInt(METACHARACTERS.size())) + random.nextInt(1000));
            }
            case LOG_FORGERY -> {
                field = strings.get(random.nextInt(strings.size()));
                record.put(field.pos(), "x" + random.nextInt(1000) + "\n" + FORGED_LOG_LINE + " ERROR root - fake\r\n" + FORGED_LOG_LINE
                        + "\u001b[31m\u2028" + FORGED_LOG_LINE);
            }
            default -> throw new IllegalArgumentException(kind + " is not a content mutation");
        }
        return field.name();
    }

    private String randomKey(String usual, boolean nullKeys) {
        return switch (random.nextInt(4)) {
            case 0 -> nullKeys ? null : "";
            case 1 -> "key\n" + FORGED_LOG_LINE + " forged by a key";
            default -> usual;
        };
    }

    private byte[] randomBytes(int length) {
        byte[] bytes = new byte[length];
        random.nextBytes(bytes);
        return bytes;
    }

    private byte[] serialize(String topic, SpecificRecord record) {
        return serializer.serialize(topic, record);
    }

    // --- unknown enum symbols: a writer schema with one symbol more, registered under a subject of its own -------

    private static Schema.Field enumField(Schema record) {
        return record.getFields().stream().filter(f -> f.schema().getType() == Schema.Type.ENUM).findFirst()
                .orElseThrow(() -> new IllegalArgumentException(record.getFullName() + " has no enum field"));
    }

    private static Schema extended(Schema record) {
        Schema.Field enumField = enumField(record);
        Schema e = enumField.schema();
        List<String> symbols = new ArrayList<>(e.getEnumSymbols());
        symbols.add(UNKNOWN_SYMBOL);
        Schema more = Schema.createEnum(e.getName(), e.getDoc(), e.getNamespace(), symbols, e.getEnumDefault());
        List<Schema.Field> fields = record.getFields().stream()
                .map(f -> new Schema.Field(f, f == enumField ? more : f.schema())).toList();
        return Schema.createRecord(record.getName(), record.getDoc(), record.getNamespace(), false, fields);
    }

    private int registerWithExtraEnumSymbol(Schema record) {
        String subject = "rekey-fuzz-" + record.getName() + "-" + UUID.randomUUID();
        return new ConfluentRegistryClient(registry).register(subject, extended(record).toString());
    }

    private static byte[] withUnknownSymbol(SpecificRecord record, int schemaId) {
        Schema writer = extended(record.getSchema());
        try {
            ByteArrayOutputStream plain = new ByteArrayOutputStream();
            BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(plain, null);
            SpecificData.get().createDatumWriter(record.getSchema()).write(record, encoder);
            encoder.flush();
            GenericRecord generic = new GenericDatumReader<GenericRecord>(record.getSchema(), writer)
                    .read(null, DecoderFactory.get().binaryDecoder(plain.toByteArray(), null));
            Schema.Field field = enumField(writer);
            generic.put(field.pos(), new GenericData.EnumSymbol(field.schema(), UNKNOWN_SYMBOL));
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            out.write(0);
            out.write(ByteBuffer.allocate(4).putInt(schemaId).array());
            BinaryEncoder body = EncoderFactory.get().binaryEncoder(out, null);
            new GenericDatumWriter<GenericRecord>(writer).write(generic, body);
            body.flush();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static boolean isString(Schema schema) {
        return schema.getType() == Schema.Type.STRING
                || schema.getType() == Schema.Type.UNION && schema.getTypes().stream().anyMatch(s -> s.getType() == Schema.Type.STRING);
    }

    private static boolean isTimestamp(Schema schema) {
        return schema.getLogicalType() instanceof LogicalTypes.TimestampMillis
                || schema.getType() == Schema.Type.UNION && schema.getTypes().stream()
                .anyMatch(s -> s.getLogicalType() instanceof LogicalTypes.TimestampMillis);
    }

    // --- sending ---------------------------------------------------------------------------------------------------

    /** Lets {@code topic} take the huge inputs (the broker's default limit is about 1 MB). */
    public static void allowLargeMessages(RekeyStack stack, String topic) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp op = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(MAX_MESSAGE_BYTES)), AlterConfigOp.OpType.SET);
        try {
            stack.admin().incrementalAlterConfigs(Map.of(resource, List.of(op))).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("cannot raise max.message.bytes of " + topic, e);
        }
    }

    /** Sends the inputs in order and returns where each landed. */
    public static List<Sent> send(RekeyStack stack, String topic, Collection<Input> inputs) {
        Map<String, Object> config = stack.producerConfig();
        config.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, MAX_MESSAGE_BYTES);
        config.put(ProducerConfig.BUFFER_MEMORY_CONFIG, 4L * MAX_MESSAGE_BYTES);
        config.put(ProducerConfig.LINGER_MS_CONFIG, 5);
        List<Future<RecordMetadata>> pending = new ArrayList<>();
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(config, new ByteArraySerializer(), new ByteArraySerializer())) {
            for (Input input : inputs) {
                byte[] key = input.key() == null ? null : input.key().getBytes(StandardCharsets.UTF_8);
                pending.add(producer.send(new ProducerRecord<>(topic, key, input.value())));
            }
            int i = 0;
            for (Input input : inputs) {
                RecordMetadata metadata = pending.get(i++).get(60, TimeUnit.SECONDS);
                sent.add(new Sent(input, metadata.partition(), metadata.offset()));
            }
        } catch (Exception e) {
            throw new IllegalStateException("cannot send hostile inputs to " + topic, e);
        }
        return sent;
    }
}
