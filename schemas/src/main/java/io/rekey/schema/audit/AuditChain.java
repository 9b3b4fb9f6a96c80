package io.rekey.schema.audit;

import io.rekey.schema.AuditRecord;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * The hash chain of {@code rekey.audit.log}: one chain per partition, each record linked to the one before it by
 * {@code hash = hex(SHA-256(prevHash || canonical(record)))}, so changing, removing, reordering or inserting a
 * record breaks a link that {@link AuditChainVerifier} names.
 *
 * <p>Reproducible outside Java: {@code prevHash} is the 64-character lower-case hex string of the previous hash
 * (64 zeros for the first record), and the canonical form is the record without {@code hash} as compact JSON with
 * sorted keys, timestamps as epoch milliseconds, exactly what Python's
 * {@code json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)} prints; both are hashed
 * as UTF-8. This is version 1 of the canonical form: it covers the fields AuditRecord has today, so a field added
 * to the schema later is not protected until the form is versioned.
 */
public final class AuditChain {

    /** prevHash of the first record of a chain. */
    public static final String GENESIS = "0".repeat(64);

    private static final char[] HEX = "0123456789abcdef".toCharArray();
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    });

    private AuditChain() {
    }

    /** The chain that partition {@code partition} of the audit topic holds. */
    public static String chainId(String auditTopic, int partition) {
        Objects.requireNonNull(auditTopic, "auditTopic must not be null");
        if (partition < 0) {
            throw new IllegalArgumentException("partition must not be negative, was " + partition);
        }
        return auditTopic + "-" + partition;
    }

    /** The partition number a chain id names: the digits after its last '-'. */
    public static int partitionOf(String chainId) {
        int dash = chainId.lastIndexOf('-');
        if (dash < 0 || dash == chainId.length() - 1) {
            throw new IllegalArgumentException("chain id '" + chainId + "' does not end in -<partition>");
        }
        return Integer.parseInt(chainId, dash + 1, chainId.length(), 10);
    }

    /** The record without its hash, in the canonical form the hash covers. */
    public static String canonical(AuditRecord record) {
        Objects.requireNonNull(record, "record must not be null");
        StringBuilder json = new StringBuilder(record.getPayload().length() + 512);
        // Keys in sorted order; keep it so when adding one.
        json.append("{\"action\":");
        CanonicalJson.appendString(json, record.getAction());
        text(json, "chain", record.getChain());
        text(json, "id", record.getId());
        text(json, "kind", record.getKind() == null ? null : record.getKind().name());
        number(json, "occurredAt", record.getOccurredAt().toEpochMilli());
        text(json, "payload", record.getPayload());
        text(json, "prevHash", record.getPrevHash());
        text(json, "principalId", record.getPrincipalId());
        number(json, "recordedAt", record.getRecordedAt().toEpochMilli());
        text(json, "secretId", record.getSecretId());
        number(json, "sequence", record.getSequence());
        text(json, "sourceEventId", record.getSourceEventId());
        number(json, "sourceOffset", record.getSourceOffset());
        number(json, "sourcePartition", record.getSourcePartition());
        text(json, "sourceTopic", record.getSourceTopic());
        return json.append('}').toString();
    }

    /** {@code hex(SHA-256(prevHash || canonical(record)))}; the record's own hash field is ignored. */
    public static String hash(String prevHash, AuditRecord record) {
        Objects.requireNonNull(prevHash, "prevHash must not be null");
        MessageDigest sha = SHA_256.get();
        sha.reset();
        sha.update(prevHash.getBytes(StandardCharsets.UTF_8));
        sha.update(canonical(record).getBytes(StandardCharsets.UTF_8));
        return hex(sha.digest());
    }

    /**
     * Links {@code record} after a chain head: sets chain, sequence ({@code previousSequence + 1}), prevHash and
     * hash, and returns the same record.
     */
    public static AuditRecord append(AuditRecord record, String chainId, long previousSequence, String previousHash) {
        Objects.requireNonNull(record, "record must not be null");
        record.setChain(Objects.requireNonNull(chainId, "chainId must not be null"));
        record.setSequence(previousSequence + 1);
        record.setPrevHash(Objects.requireNonNull(previousHash, "previousHash must not be null"));
        record.setHash(hash(previousHash, record));
        return record;
    }

    private static void text(StringBuilder json, String key, CharSequence value) {
        CanonicalJson.appendString(json.append(",\"").append(key).append("\":"), value);
    }

    /** A whole number, or null. */
    private static void number(StringBuilder json, String key, Number value) {
        json.append(",\"").append(key).append("\":").append(value);
    }

    static String hex(byte[] bytes) {
        char[] out = new char[bytes.length * 2];
        for (int i = 0; i < bytes.length; i++) {
            out[2 * i] = HEX[(bytes[i] >> 4) & 0xf];
            out[2 * i + 1] = HEX[bytes[i] & 0xf];
        }
        return new String(out);
    }
}
