package io.rekey.audit.stream;

import io.rekey.audit.detect.Binary;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.audit.AuditChain;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.util.UUID;

/**
 * Links audit entries into the chain of this task's partition of the audit log. Every record of that partition is
 * written by this task alone (input partition p, output partition p), and the chain head (last sequence and hash)
 * is kept in a changelogged store updated in the same exactly-once transaction as the output, so a restart or a
 * move to another instance continues the chain exactly where the committed log ends.
 */
final class ChainProcessor implements Processor<String, AuditEntry, String, AuditRecord> {

    static final String HEAD_STORE = "audit-chain-head";

    private final String auditTopic;
    private final Clock clock;
    private ProcessorContext<String, AuditRecord> context;
    private KeyValueStore<String, byte[]> heads;
    private String chain;

    ChainProcessor(String auditTopic, Clock clock) {
        this.auditTopic = auditTopic;
        this.clock = clock;
    }

    @Override
    public void init(ProcessorContext<String, AuditRecord> context) {
        this.context = context;
        this.heads = context.getStateStore(HEAD_STORE);
        this.chain = AuditChain.chainId(auditTopic, context.taskId().partition());
    }

    @Override
    public void process(Record<String, AuditEntry> record) {
        AuditEntry e = record.value();
        long sequence = 0;
        String hash = AuditChain.GENESIS;
        byte[] head = heads.get(chain);
        if (head != null) {
            Binary.Reader in = new Binary.Reader(head);
            sequence = in.readLong();
            hash = in.readString();
        }
        long now = clock.millis();
        String source = e.sourceTopic() + "|" + e.sourcePartition() + "|" + e.sourceOffset();
        AuditRecord audit = AuditRecord.newBuilder()
                // Deterministic: the same source record always yields the same audit record id.
                .setId(UUID.nameUUIDFromBytes(source.getBytes(StandardCharsets.UTF_8)).toString())
                .setOccurredAt(Instant.ofEpochMilli(e.occurredAt()))
                .setRecordedAt(Instant.ofEpochMilli(now))
                .setKind(e.kind())
                .setSecretId(e.secretId())
                .setPrincipalId(e.principalId())
                .setAction(e.action())
                .setSourceTopic(e.sourceTopic())
                .setSourcePartition(e.sourcePartition())
                .setSourceOffset(e.sourceOffset())
                .setSourceEventId(e.sourceEventId())
                .setPayload(e.payload())
                .setChain(chain).setSequence(0).setPrevHash(hash).setHash("")
                .build();
        AuditChain.append(audit, chain, sequence, hash);
        heads.put(chain, new Binary.Writer(80).writeLong(audit.getSequence()).writeString(audit.getHash()).toByteArray());
        // Timestamped when appended, so offsetsForTimes on the audit log finds what was recorded in a time range.
        context.forward(new Record<>(record.key(), audit, now));
    }
}
