package io.rekey.schema.audit;

import org.apache.avro.Schema;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.IndexedRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * Compact, deterministic JSON for audit records and the events they quote: no whitespace, strings escaped as
 * RFC 8785 (JCS) does, timestamps as epoch milliseconds, map keys sorted. Hand-written because it runs once per
 * audited event and must produce the same bytes on every JVM, whatever a JSON library's defaults are.
 */
public final class CanonicalJson {

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    /** Stands for a null map value, which {@link Map#entry} refuses. */
    private static final Object NULL = new Object();

    private CanonicalJson() {
    }

    /** An Avro record as a JSON object, fields in schema order, maps with sorted keys. */
    public static String of(IndexedRecord record) {
        StringBuilder json = new StringBuilder(256);
        appendValue(json, record);
        return json.toString();
    }

    /** Appends {@code value} as a JSON string literal, or {@code null}. */
    public static StringBuilder appendString(StringBuilder json, CharSequence value) {
        if (value == null) {
            return json.append("null");
        }
        json.append('"');
        for (int i = 0, n = value.length(); i < n; i++) {
            char c = value.charAt(i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                default -> {
                    if (c < 0x20) {
                        json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
                    } else {
                        json.append(c);
                    }
                }
            }
        }
        return json.append('"');
    }

    /** Appends any value an Avro specific or generic record may hold. */
    public static StringBuilder appendValue(StringBuilder json, Object value) {
        if (value == null) {
            json.append("null");
        } else if (value instanceof CharSequence s) {
            appendString(json, s);
        } else if (value instanceof Boolean || value instanceof Integer || value instanceof Long) {
            json.append(value);
        } else if (value instanceof Instant instant) {
            json.append(instant.toEpochMilli());
        } else if (value instanceof Enum<?> symbol) {
            appendString(json, symbol.name());
        } else if (value instanceof IndexedRecord record) {
            appendRecord(json, record);
        } else if (value instanceof Map<?, ?> map) {
            appendMap(json, map);
        } else if (value instanceof Collection<?> items) {
            json.append('[');
            boolean first = true;
            for (Object item : items) {
                if (!first) {
                    json.append(',');
                }
                first = false;
                appendValue(json, item);
            }
            json.append(']');
        } else if (value instanceof ByteBuffer bytes) {
            ByteBuffer copy = bytes.duplicate();
            byte[] raw = new byte[copy.remaining()];
            copy.get(raw);
            appendString(json, Base64.getEncoder().encodeToString(raw));
        } else if (value instanceof GenericFixed fixed) {
            appendString(json, Base64.getEncoder().encodeToString(fixed.bytes()));
        } else if (value instanceof Number number) {
            json.append(number);
        } else {
            // Generic enum symbols and anything else Avro may hand us have a faithful toString.
            appendString(json, value.toString());
        }
        return json;
    }

    private static void appendRecord(StringBuilder json, IndexedRecord record) {
        json.append('{');
        List<Schema.Field> fields = record.getSchema().getFields();
        for (int i = 0; i < fields.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            appendString(json, fields.get(i).name()).append(':');
            appendValue(json, record.get(i));
        }
        json.append('}');
    }

    private static void appendMap(StringBuilder json, Map<?, ?> map) {
        List<Map.Entry<String, Object>> entries = new ArrayList<>(map.size());
        for (Map.Entry<?, ?> entry : map.entrySet()) {
            // Keys may be String or Avro's Utf8: compare them as text.
            entries.add(Map.entry(String.valueOf(entry.getKey()), entry.getValue() == null ? NULL : entry.getValue()));
        }
        entries.sort(Map.Entry.comparingByKey());
        json.append('{');
        for (int i = 0; i < entries.size(); i++) {
            if (i > 0) {
                json.append(',');
            }
            appendString(json, entries.get(i).getKey()).append(':');
            Object value = entries.get(i).getValue();
            appendValue(json, value == NULL ? null : value);
        }
        json.append('}');
    }
}
