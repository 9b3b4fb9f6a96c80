package io.rekey.schema;

import io.rekey.schema.topic.Topic;
import io.rekey.schema.topic.Topics;
import org.apache.avro.LogicalTypes;
import org.apache.avro.Schema;
import org.apache.avro.specific.SpecificData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The rules DESIGN.md sets for every message schema, checked on the generated schemas themselves. */
class SchemaConventionsTest {

    static Stream<Schema> messageSchemas() {
        return Topics.ALL.stream().map(Topic::valueType).map(c -> SpecificData.get().getSchema(c));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageSchemas")
    void everyMessageHasIdAndOccurredAt(Schema schema) {
        assertEquals(Schema.Type.STRING, schema.getField("id").schema().getType(), schema.getName() + ".id");
        assertEquals(LogicalTypes.timestampMillis(), schema.getField("occurredAt").schema().getLogicalType(),
                schema.getName() + ".occurredAt");
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageSchemas")
    void everyRecordAndFieldIsDocumented(Schema schema) {
        List<String> undocumented = new ArrayList<>();
        walk(schema, new IdentityHashMap<>(), s -> {
            if (s.getType() == Schema.Type.RECORD || s.getType() == Schema.Type.ENUM) {
                if (isBlank(s.getDoc())) {
                    undocumented.add(s.getFullName());
                }
            }
            if (s.getType() == Schema.Type.RECORD) {
                s.getFields().stream().filter(f -> isBlank(f.doc()))
                        .forEach(f -> undocumented.add(s.getName() + "." + f.name()));
            }
        });
        assertTrue(undocumented.isEmpty(), "undocumented: " + undocumented);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageSchemas")
    void everyEnumHasADefaultSymbolSoItCanGrow(Schema schema) {
        List<String> withoutDefault = new ArrayList<>();
        walk(schema, new IdentityHashMap<>(), s -> {
            if (s.getType() == Schema.Type.ENUM && !"UNKNOWN".equals(s.getEnumDefault())) {
                withoutDefault.add(s.getFullName());
            }
        });
        assertTrue(withoutDefault.isEmpty(), "enums without UNKNOWN default: " + withoutDefault);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("messageSchemas")
    void everyTimeFieldUsesTheTimestampLogicalType(Schema schema) {
        List<String> wrong = new ArrayList<>();
        walk(schema, new IdentityHashMap<>(), s -> {
            if (s.getType() == Schema.Type.RECORD) {
                for (Schema.Field f : s.getFields()) {
                    if (f.name().endsWith("At") && !isTimestamp(f.schema())) {
                        wrong.add(s.getName() + "." + f.name());
                    }
                }
            }
        });
        assertTrue(wrong.isEmpty(), "time fields without timestamp-millis: " + wrong);
    }

    private static boolean isTimestamp(Schema schema) {
        if (schema.getType() == Schema.Type.UNION) {
            return schema.getTypes().stream().anyMatch(SchemaConventionsTest::isTimestamp);
        }
        return LogicalTypes.timestampMillis().equals(schema.getLogicalType());
    }

    private static void walk(Schema schema, Map<Schema, Boolean> seen, java.util.function.Consumer<Schema> visitor) {
        if (seen.put(schema, Boolean.TRUE) != null) {
            return;
        }
        visitor.accept(schema);
        switch (schema.getType()) {
            case RECORD -> schema.getFields().forEach(f -> walk(f.schema(), seen, visitor));
            case UNION -> schema.getTypes().forEach(t -> walk(t, seen, visitor));
            case ARRAY -> walk(schema.getElementType(), seen, visitor);
            case MAP -> walk(schema.getValueType(), seen, visitor);
            default -> { }
        }
    }

    private static boolean isBlank(String s) {
        return s == null || s.isBlank();
    }
}
