package io.rekey.audit.stream;

import io.rekey.audit.detect.Binary;
import io.rekey.schema.AuditKind;

import java.util.Objects;

/**
 * An event on its way to the audit log, before it is linked into a chain: what happened, and exactly where it was
 * read (the source topic, partition and offset, captured before any repartitioning).
 */
record AuditEntry(AuditKind kind, long occurredAt, String secretId, String principalId, String action,
                  String sourceTopic, int sourcePartition, long sourceOffset, String sourceEventId, String payload) {

    AuditEntry {
        Objects.requireNonNull(kind, "kind must not be null");
        Objects.requireNonNull(action, "action must not be null");
        Objects.requireNonNull(sourceTopic, "sourceTopic must not be null");
        Objects.requireNonNull(payload, "payload must not be null");
    }

    byte[] toBytes() {
        return new Binary.Writer(payload.length() + 256).writeByte(1).writeString(kind.name()).writeLong(occurredAt)
                .writeString(secretId).writeString(principalId).writeString(action).writeString(sourceTopic)
                .writeInt(sourcePartition).writeLong(sourceOffset).writeString(sourceEventId).writeString(payload)
                .toByteArray();
    }

    static AuditEntry fromBytes(byte[] bytes) {
        Binary.Reader in = new Binary.Reader(bytes);
        int version = in.readByte();
        if (version != 1) {
            throw new IllegalStateException("audit entry version " + version + " is not supported");
        }
        return new AuditEntry(AuditKind.valueOf(in.readString()), in.readLong(), in.readString(), in.readString(),
                in.readString(), in.readString(), in.readInt(), in.readLong(), in.readString(), in.readString());
    }
}
