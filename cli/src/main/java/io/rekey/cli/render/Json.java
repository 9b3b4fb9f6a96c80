package io.rekey.cli.render;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.specific.SpecificRecord;

import java.io.PrintWriter;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Base64;
import java.util.Collection;
import java.util.Map;

/** JSON output for {@code --output json}: Avro records become plain objects (timestamps as ISO-8601). */
public final class Json {

    public static final ObjectMapper MAPPER = mapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final ObjectMapper COMPACT = mapper();

    private Json() {
    }

    private static ObjectMapper mapper() {
        return new ObjectMapper().registerModule(new JavaTimeModule()).disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    }

    public static void print(PrintWriter out, Object value) {
        try {
            out.println(MAPPER.writeValueAsString(value));
            out.flush();
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** One line of JSON, for JSON-lines files. */
    public static String line(Object value) {
        try {
            return COMPACT.writeValueAsString(value);
        } catch (Exception e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    /** An Avro record as a JSON object. */
    public static ObjectNode of(SpecificRecord record) {
        ObjectNode node = MAPPER.createObjectNode();
        for (Schema.Field field : record.getSchema().getFields()) {
            node.set(field.name(), MAPPER.valueToTree(plain(record.get(field.pos()))));
        }
        return node;
    }

    private static Object plain(Object value) {
        if (value instanceof Instant instant) {
            return instant.toString();
        }
        if (value instanceof SpecificRecord nested) {
            return of(nested);
        }
        if (value instanceof GenericData.EnumSymbol || value instanceof Enum<?>) {
            return value.toString();
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return Base64.getEncoder().encodeToString(bytes);
        }
        if (value instanceof Collection<?> list) {
            return list.stream().map(Json::plain).toList();
        }
        if (value instanceof Map<?, ?> map) {
            return map;
        }
        return value;
    }
}
