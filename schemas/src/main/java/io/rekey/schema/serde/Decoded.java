package io.rekey.schema.serde;

import java.util.Objects;

/**
 * Outcome of decoding one record value: either the record, or why it could not be decoded. Both keep
 * the raw bytes so a consumer can dead-letter a record it later finds invalid.
 */
public sealed interface Decoded<V> {

    byte[] raw();

    record Valid<V>(V value, byte[] raw) implements Decoded<V> {
        public Valid {
            Objects.requireNonNull(value, "value must not be null");
        }
    }

    record Malformed<V>(String reason, String errorClass, byte[] raw) implements Decoded<V> {
        public Malformed {
            Objects.requireNonNull(reason, "reason must not be null");
        }
    }
}
