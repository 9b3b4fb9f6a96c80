package io.rekey.audit.stream;

import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.serde.Decoded;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the global honeytoken store from the registry topic: one byte per tagged secret instead of the whole
 * descriptor, so a lookup per access event decodes nothing. Runs on restore too (Kafka Streams re-processes a
 * global store added this way), so the store never holds raw descriptors. A tombstone or an untagged revision removes
 * the secret. A malformed registry record is logged (with its offset, never its content) and skipped: global store
 * updates cannot produce dead letters, and the lifecycle service, which owns the registry, dead-letters its own.
 */
final class SecretTagsUpdater implements Processor<String, Decoded<SecretDescriptor>, Void, Void> {

    /** Flags of a tagged secret; one bit today, room for more tags later. */
    static final byte[] HONEYTOKEN = {1};
    private static final Logger LOG = LoggerFactory.getLogger(SecretTagsUpdater.class);

    private final String honeytokenTag;
    private ProcessorContext<Void, Void> context;
    private KeyValueStore<String, byte[]> tags;

    SecretTagsUpdater(String honeytokenTag) {
        this.honeytokenTag = honeytokenTag;
    }

    @Override
    public void init(ProcessorContext<Void, Void> context) {
        this.context = context;
        this.tags = context.getStateStore(DetectionProcessor.TAG_STORE);
    }

    @Override
    public void process(Record<String, Decoded<SecretDescriptor>> record) {
        Decoded<SecretDescriptor> value = record.value();
        if (value instanceof Decoded.Malformed<SecretDescriptor> malformed) {
            LOG.warn("skipping undecodable registry record at {}: {}", context.recordMetadata().map(m -> m.topic() + "-"
                    + m.partition() + "@" + m.offset()).orElse("?"), malformed.reason());
            return;
        }
        SecretDescriptor descriptor = value == null ? null : ((Decoded.Valid<SecretDescriptor>) value).value();
        String secretId = record.key() != null ? record.key() : descriptor == null ? null : descriptor.getSecretId();
        if (secretId == null) {
            return;
        }
        // A soft-deleted honeytoken stays one until it is purged: touching it then is no less suspicious.
        if (descriptor != null && descriptor.getTags().contains(honeytokenTag)) {
            tags.put(secretId, HONEYTOKEN);
        } else {
            tags.delete(secretId);
        }
    }
}
