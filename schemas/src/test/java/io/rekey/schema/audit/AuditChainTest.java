package io.rekey.schema.audit;

import io.rekey.schema.AuditKind;
import io.rekey.schema.AuditRecord;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditChainTest {

    private static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");
    private static final String CHAIN = AuditChain.chainId("rekey.audit.log", 2);

    @Test
    void canonicalFormAndHashMatchAnIndependentImplementation() {
        // Expected values printed by Python: json.dumps(fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False)
        // and hashlib.sha256((prevHash + canonical).encode()).hexdigest().
        AuditRecord record = record("{\"id\":\"e-1\",\"note\":\"tab\\tquote\\\" é\"}");
        assertThat(AuditChain.canonical(record)).isEqualTo("{\"action\":\"ACCESS READ SUCCESS\",\"chain\":\"rekey.audit.log-2\","
                + "\"id\":\"7f2c1a9e-0000-4000-8000-000000000001\",\"kind\":\"ACCESS\",\"occurredAt\":1795251600000,"
                + "\"payload\":\"{\\\"id\\\":\\\"e-1\\\",\\\"note\\\":\\\"tab\\\\tquote\\\\\\\" é\\\"}\","
                + "\"prevHash\":\"" + "0".repeat(64) + "\",\"principalId\":\"alice\",\"recordedAt\":1795251600005,"
                + "\"secretId\":\"db/orders\",\"sequence\":1,\"sourceEventId\":\"e-1\",\"sourceOffset\":7,\"sourcePartition\":0,"
                + "\"sourceTopic\":\"rekey.access.events\"}");
        assertThat(AuditChain.hash(AuditChain.GENESIS, record))
                .isEqualTo("c7a3176d3f8a9f379404d39e9c3bda9529e287e1e50208fc083f231e6a7ce88e");
    }

    @Test
    void nullsAndControlCharactersHashLikePython() {
        AuditRecord record = record("ctl\u0001\n");
        record.setPrincipalId(null);
        record.setSecretId(null);
        record.setSourceOffset(null);
        record.setSourcePartition(null);
        record.setSourceTopic(null);
        record.setSourceEventId(null);
        assertThat(AuditChain.hash(AuditChain.GENESIS, record))
                .isEqualTo("93a77eec97e2e9c859d3f613e4f85bc75607173bb74d728bbb0776153db218b6");
    }

    @Test
    void hashIgnoresTheHashFieldItself() {
        AuditRecord record = record("{}");
        String before = AuditChain.hash(AuditChain.GENESIS, record);
        record.setHash("ab".repeat(32));
        assertThat(AuditChain.hash(AuditChain.GENESIS, record)).isEqualTo(before);
    }

    @Test
    void chainIdNamesThePartition() {
        assertThat(CHAIN).isEqualTo("rekey.audit.log-2");
        assertThat(AuditChain.partitionOf(CHAIN)).isEqualTo(2);
        assertThat(AuditChain.partitionOf("audit-it-1a2b-11")).isEqualTo(11);
        assertThatThrownBy(() -> AuditChain.partitionOf("nopartition")).hasMessageContaining("nopartition");
    }

    @Test
    void anIntactChainVerifies() {
        List<AuditRecord> chain = chain(5);
        AuditChainVerifier verifier = AuditChainVerifier.fromGenesis(CHAIN);
        for (int i = 0; i < chain.size(); i++) {
            assertThat(verifier.accept(100 + i, chain.get(i))).isEmpty();
        }
        assertThat(verifier.verified()).isEqualTo(5);
        assertThat(verifier.lastSequence()).isEqualTo(5);
        assertThat(verifier.lastHash()).isEqualTo(chain.get(4).getHash());
    }

    @Test
    void alteringOneRecordIsNamedAtThatRecord() {
        List<AuditRecord> chain = chain(5);
        chain.get(2).setPrincipalId("mallory");

        AuditChainVerifier.Break broken = verify(chain);

        assertThat(broken.chain()).isEqualTo(CHAIN);
        assertThat(broken.sequence()).isEqualTo(3);
        assertThat(broken.offset()).isEqualTo(102);
        assertThat(broken.reason()).contains("hash does not match the record's content");
        assertThat(broken.toString()).startsWith("chain rekey.audit.log-2 breaks at sequence 3 (offset 102)");
    }

    @Test
    void alteringAndReHashingOneRecordIsCaughtAtTheNextLink() {
        List<AuditRecord> chain = chain(5);
        AuditRecord forged = chain.get(2);
        forged.setPayload("{\"forged\":true}");
        forged.setHash(AuditChain.hash(forged.getPrevHash(), forged));

        AuditChainVerifier.Break broken = verify(chain);

        assertThat(broken.sequence()).isEqualTo(4);
        assertThat(broken.reason()).contains("prevHash does not match the hash of sequence 3 (offset 102)");
    }

    @Test
    void removingARecordIsCaughtAsAGap() {
        List<AuditRecord> chain = chain(5);
        chain.remove(2);

        AuditChainVerifier.Break broken = verify(chain);

        assertThat(broken.sequence()).isEqualTo(4);
        assertThat(broken.reason()).contains("sequence jumps from 2 to 4: 1 record(s) removed");
    }

    @Test
    void replayingARecordIsCaught() {
        List<AuditRecord> chain = chain(3);
        chain.add(chain.get(1));

        AuditChainVerifier.Break broken = verify(chain);

        assertThat(broken.sequence()).isEqualTo(2);
        assertThat(broken.offset()).isEqualTo(103);
        assertThat(broken.reason()).contains("replayed or the chain restarted");
    }

    @Test
    void aRecordCopiedFromAnotherPartitionIsCaught() {
        List<AuditRecord> chain = chain(3);
        chain.get(1).setChain(AuditChain.chainId("rekey.audit.log", 4));

        assertThat(verify(chain).reason()).contains("belongs to chain rekey.audit.log-4");
    }

    @Test
    void aRangeStartingMidChainIsAnchoredAtItsFirstRecord() {
        List<AuditRecord> chain = chain(6);
        AuditChainVerifier range = AuditChainVerifier.anchoredAtFirst(CHAIN);
        for (int i = 3; i < 6; i++) {
            assertThat(range.accept(100 + i, chain.get(i))).isEmpty();
        }
        AuditChainVerifier resumed = AuditChainVerifier.continuing(CHAIN, 3, chain.get(2).getHash());
        assertThat(resumed.accept(103, chain.get(3))).isEmpty();

        chain.get(3).setAction("ACCESS READ DENIED");
        assertThat(AuditChainVerifier.anchoredAtFirst(CHAIN).accept(103, chain.get(3))).get()
                .extracting(AuditChainVerifier.Break::sequence).isEqualTo(4L);
    }

    @Test
    void verificationStopsAtTheFirstBreak() {
        List<AuditRecord> chain = chain(5);
        chain.get(1).setAction("x");
        chain.get(3).setAction("y");
        AuditChainVerifier verifier = AuditChainVerifier.fromGenesis(CHAIN);
        for (int i = 0; i < chain.size(); i++) {
            verifier.accept(100 + i, chain.get(i));
        }
        assertThat(verifier.firstBreak()).get().extracting(AuditChainVerifier.Break::sequence).isEqualTo(2L);
        assertThat(verifier.verified()).isEqualTo(1);
    }

    private static AuditChainVerifier.Break verify(List<AuditRecord> records) {
        AuditChainVerifier verifier = AuditChainVerifier.fromGenesis(CHAIN);
        for (int i = 0; i < records.size(); i++) {
            if (verifier.accept(100 + i, records.get(i)).isPresent()) {
                break;
            }
        }
        return verifier.firstBreak().orElseThrow(() -> new AssertionError("chain verified but should not"));
    }

    private static List<AuditRecord> chain(int length) {
        List<AuditRecord> records = new ArrayList<>();
        String prev = AuditChain.GENESIS;
        for (int i = 0; i < length; i++) {
            AuditRecord record = record("{\"n\":" + i + "}");
            record.setId("id-" + i);
            AuditChain.append(record, CHAIN, i, prev);
            prev = record.getHash();
            records.add(record);
        }
        return records;
    }

    private static AuditRecord record(String payload) {
        return AuditRecord.newBuilder()
                .setId("7f2c1a9e-0000-4000-8000-000000000001").setOccurredAt(T0).setRecordedAt(T0.plusMillis(5))
                .setKind(AuditKind.ACCESS).setSecretId("db/orders").setPrincipalId("alice").setAction("ACCESS READ SUCCESS")
                .setSourceTopic("rekey.access.events").setSourcePartition(0).setSourceOffset(7L).setSourceEventId("e-1")
                .setPayload(payload).setChain(CHAIN).setSequence(1).setPrevHash(AuditChain.GENESIS).setHash("")
                .build();
    }
}
