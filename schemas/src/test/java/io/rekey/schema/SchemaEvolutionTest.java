package io.rekey.schema;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.avro.Schema;
import org.apache.avro.SchemaCompatibility;
import org.apache.avro.SchemaCompatibility.SchemaCompatibilityType;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumReader;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.time.Instant;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

/** Old readers read new writers' records and the other way round (FULL compatibility), in plain Avro. */
class SchemaEvolutionTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void olderReaderReadsRecordWrittenWithAddedOptionalField() throws IOException {
        Schema v2 = withExtraField(AccessEvent.getClassSchema(), optionalStringField("deviceId"));
        GenericRecord written = new GenericData.Record(v2);
        AccessEvent base = sampleAccessEvent();
        for (Schema.Field f : AccessEvent.getClassSchema().getFields()) {
            written.put(f.name(), GenericData.get().deepCopy(f.schema(), genericValue(base, f)));
        }
        written.put("deviceId", "laptop-42");

        byte[] bytes = writeGeneric(v2, written);
        AccessEvent read = new SpecificDatumReader<AccessEvent>(v2, AccessEvent.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(bytes, null));

        assertEquals(base, read);
    }

    @Test
    void newerReaderReadsOldRecordUsingDefaults() throws IOException {
        Schema v2 = withExtraField(AccessEvent.getClassSchema(), optionalStringField("deviceId"));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new SpecificDatumWriter<>(AccessEvent.class).write(sampleAccessEvent(), encoder);
        encoder.flush();

        GenericRecord read = new GenericDatumReader<GenericRecord>(AccessEvent.getClassSchema(), v2)
                .read(null, DecoderFactory.get().binaryDecoder(out.toByteArray(), null));

        assertEquals("alice", read.get("principalId").toString());
        assertNull(read.get("deviceId"));
    }

    @Test
    void olderReaderMapsUnknownEnumSymbolToUnknown() throws IOException {
        ObjectNode schemaJson = (ObjectNode) JSON.readTree(AccessEvent.getClassSchema().toString());
        for (var field : schemaJson.withArray("fields")) {
            if (field.get("name").asText().equals("action")) {
                ArrayNode symbols = ((ObjectNode) field.get("type")).withArray("symbols");
                symbols.insert(symbols.size() - 1, "IMPERSONATE");
            }
        }
        Schema v2 = new Schema.Parser().parse(schemaJson.toString());
        GenericRecord written = new GenericData.Record(v2);
        AccessEvent base = sampleAccessEvent();
        for (Schema.Field f : v2.getFields()) {
            written.put(f.name(), GenericData.get().deepCopy(f.schema(), genericValue(base, f)));
        }
        written.put("action", new GenericData.EnumSymbol(v2.getField("action").schema(), "IMPERSONATE"));

        AccessEvent read = new SpecificDatumReader<AccessEvent>(v2, AccessEvent.getClassSchema())
                .read(null, DecoderFactory.get().binaryDecoder(writeGeneric(v2, written), null));

        assertEquals(AccessAction.UNKNOWN, read.getAction());
    }

    @Test
    void addingOptionalFieldIsFullyCompatibleButAddingRequiredFieldIsNot() {
        Schema v1 = AccessEvent.getClassSchema();
        Schema optional = withExtraField(v1, optionalStringField("deviceId"));
        Schema required = withExtraField(v1, JSON.createObjectNode().put("name", "deviceId").put("type", "string"));

        assertEquals(SchemaCompatibilityType.COMPATIBLE, compat(optional, v1), "new reader, old data");
        assertEquals(SchemaCompatibilityType.COMPATIBLE, compat(v1, optional), "old reader, new data");
        assertEquals(SchemaCompatibilityType.INCOMPATIBLE, compat(required, v1), "new reader cannot fill a required field");
    }

    static AccessEvent sampleAccessEvent() {
        return AccessEvent.newBuilder()
                .setId("5f0c3f7e-9c1b-4e53-9a53-2d6f3f7b8a11")
                .setOccurredAt(Instant.parse("2026-11-21T10:15:30.123Z"))
                .setPrincipalId("alice")
                .setSecretId("db/orders")
                .setAction(AccessAction.READ)
                .setOutcome(AccessResult.SUCCESS)
                .setSourceIp("10.1.2.3")
                .setCountry("GB")
                .setDetails(Map.of("source", "vault-audit"))
                .build();
    }

    private static Object genericValue(AccessEvent base, Schema.Field f) {
        Object value = base.get(f.name());
        if (value instanceof Instant instant) {
            return instant.toEpochMilli();
        }
        if (value instanceof Enum<?> e) {
            return new GenericData.EnumSymbol(f.schema(), e.name());
        }
        return value;
    }

    private static SchemaCompatibilityType compat(Schema reader, Schema writer) {
        return SchemaCompatibility.checkReaderWriterCompatibility(reader, writer).getType();
    }

    private static ObjectNode optionalStringField(String name) {
        ObjectNode field = JSON.createObjectNode().put("name", name);
        field.putArray("type").add("null").add("string");
        field.putNull("default");
        return field;
    }

    private static Schema withExtraField(Schema schema, ObjectNode field) {
        try {
            ObjectNode json = (ObjectNode) JSON.readTree(schema.toString());
            json.withArray("fields").add(field);
            return new Schema.Parser().parse(json.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] writeGeneric(Schema schema, GenericRecord record) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<GenericRecord>(schema).write(record, encoder);
        encoder.flush();
        return out.toByteArray();
    }
}
