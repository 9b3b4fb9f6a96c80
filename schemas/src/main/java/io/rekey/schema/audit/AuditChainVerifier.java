package io.rekey.schema.audit;

import io.rekey.schema.AuditRecord;

import java.util.Objects;
import java.util.Optional;

/**
 * Walks the records of one chain (one partition of the audit topic) in offset order and stops at the first broken
 * link, saying which chain, which sequence number, at which offset, and why.
 *
 * <p>Usage: {@code fromGenesis(chain)} when reading the partition from its first record, {@code anchoredAtFirst(chain)}
 * to check a range that starts mid-chain (its first record is trusted as the anchor, only its own hash is checked),
 * then {@link #accept} each record; {@link #firstBreak()} holds the result. Not thread-safe.
 */
public final class AuditChainVerifier {

    /** The first broken link: the record at {@code offset} (its {@code sequence} as found, or expected if unreadable). */
    public record Break(String chain, long sequence, long offset, String reason) {
        @Override
        public String toString() {
            return "chain " + chain + " breaks at sequence " + sequence + " (offset " + offset + "): " + reason;
        }
    }

    private final String chain;
    private boolean anchored;
    private long lastSequence;
    private String lastHash;
    private long lastOffset = -1;
    private long verified;
    private Break broken;

    private AuditChainVerifier(String chain, boolean anchored, long lastSequence, String lastHash) {
        this.chain = Objects.requireNonNull(chain, "chain must not be null");
        this.anchored = anchored;
        this.lastSequence = lastSequence;
        this.lastHash = lastHash;
    }

    /** Verifies a chain read from its very first record (sequence 1, prevHash = {@link AuditChain#GENESIS}). */
    public static AuditChainVerifier fromGenesis(String chain) {
        return new AuditChainVerifier(chain, true, 0, AuditChain.GENESIS);
    }

    /** Verifies the records after a known good point (the sequence and hash of the last record checked before). */
    public static AuditChainVerifier continuing(String chain, long lastSequence, String lastHash) {
        return new AuditChainVerifier(chain, true, lastSequence, Objects.requireNonNull(lastHash, "lastHash must not be null"));
    }

    /** Verifies a range that starts mid-chain: the first record's sequence and prevHash are taken as given. */
    public static AuditChainVerifier anchoredAtFirst(String chain) {
        return new AuditChainVerifier(chain, false, 0, null);
    }

    /**
     * Checks the next record of the chain.
     *
     * @return the first break, now or earlier; once broken, later records are not examined
     */
    public Optional<Break> accept(long offset, AuditRecord record) {
        if (broken != null) {
            return Optional.of(broken);
        }
        broken = check(offset, record);
        if (broken == null) {
            lastSequence = record.getSequence();
            lastHash = record.getHash();
            lastOffset = offset;
            anchored = true;
            verified++;
        }
        return Optional.ofNullable(broken);
    }

    private Break check(long offset, AuditRecord record) {
        long expected = lastSequence + 1;
        if (record == null) {
            return new Break(chain, expected, offset, "record is missing or cannot be decoded");
        }
        long sequence = record.getSequence();
        if (!chain.equals(record.getChain())) {
            return new Break(chain, sequence, offset, "record says it belongs to chain " + record.getChain()
                    + ": it was moved or copied from another partition");
        }
        if (anchored) {
            if (sequence < expected) {
                return new Break(chain, sequence, offset, "sequence " + sequence + " follows sequence " + lastSequence
                        + (lastOffset >= 0 ? " (offset " + lastOffset + ")" : "") + ": a record was replayed or the chain restarted");
            }
            if (sequence > expected) {
                return new Break(chain, sequence, offset, "sequence jumps from " + lastSequence + " to " + sequence
                        + ": " + (sequence - expected) + " record(s) removed");
            }
            if (!lastHash.equals(record.getPrevHash())) {
                return new Break(chain, sequence, offset, "prevHash does not match the hash of sequence " + lastSequence
                        + (lastOffset >= 0 ? " (offset " + lastOffset + ")" : "") + ": that record was altered and re-hashed, or replaced");
            }
        }
        String recomputed = AuditChain.hash(record.getPrevHash(), record);
        if (!recomputed.equals(record.getHash())) {
            return new Break(chain, sequence, offset, "hash does not match the record's content: the record was altered");
        }
        return null;
    }

    public Optional<Break> firstBreak() {
        return Optional.ofNullable(broken);
    }

    public String chain() {
        return chain;
    }

    /** Records verified before the first break (or all, if none). */
    public long verified() {
        return verified;
    }

    /** Sequence of the last verified record; 0 before any. */
    public long lastSequence() {
        return lastSequence;
    }

    /** Hash of the last verified record: the anchor a later range check can start from. */
    public String lastHash() {
        return lastHash;
    }
}
