package io.rekey.store;

import io.rekey.store.SecretValue;
import org.junit.jupiter.api.Test;

import java.util.Map;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The behaviour every {@link SecretStore} must have (AWS label semantics, compare-and-set, write-ahead
 * idempotency). Each implementation's test extends this and supplies a store.
 */
public abstract class SecretStoreContract {

    protected abstract SecretStore store();

    private final String path = "contract/" + UUID.randomUUID();
    private static final SecretValue V1 = SecretValue.of("first-value-Zq8");
    private static final SecretValue V2 = SecretValue.of("second-value-Kp3");

    @Test
    void missingSecretHasNoMetadataAndNoValue() {
        assertThat(store().describe(path)).isEmpty();
        assertThat(store().read(path, "v1")).isEmpty();
        assertThat(store().read(path, Label.CURRENT)).isEmpty();
    }

    @Test
    void createLabelsTheFirstVersionCurrent() {
        store().putCurrent(path, "v1", V1, null);

        SecretMetadata metadata = store().describe(path).orElseThrow();
        assertThat(metadata.versionIds()).containsExactly("v1");
        assertThat(metadata.labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
        assertThat(store().read(path, "v1")).contains(V1);
        assertThat(store().read(path, Label.CURRENT)).contains(V1);
    }

    @Test
    void createRefusesAnExistingSecret() {
        store().putCurrent(path, "v1", V1, null);

        assertThatThrownBy(() -> store().putCurrent(path, "v2", V2, null)).isInstanceOf(StoreConflictException.class);
        assertThat(store().read(path, Label.CURRENT)).contains(V1);
    }

    @Test
    void pendingIsWrittenAheadAndPromotionMovesCurrentAndPrevious() {
        store().putCurrent(path, "v1", V1, null);

        store().putPending(path, "r2", V2, "v1");
        assertThat(store().describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "v1", Label.PENDING, "r2"));
        assertThat(store().read(path, Label.PENDING)).contains(V2);

        store().promote(path, "r2", "v1");
        SecretMetadata after = store().describe(path).orElseThrow();
        assertThat(after.labels()).isEqualTo(Map.of(Label.CURRENT, "r2", Label.PREVIOUS, "v1"));
        assertThat(after.versionIds()).containsExactly("v1", "r2");
        assertThat(store().read(path, Label.CURRENT)).contains(V2);
        assertThat(store().read(path, Label.PREVIOUS)).contains(V1);
    }

    @Test
    void firstRotationOfACredentialNeverStoredCreatesItPendingThenCurrent() {
        store().putPending(path, "r1", V1, null);
        assertThat(store().describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.PENDING, "r1"));
        assertThat(store().read(path, Label.CURRENT)).isEmpty();

        store().promote(path, "r1", null);
        assertThat(store().describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r1"));
        assertThat(store().read(path, Label.CURRENT)).contains(V1);
    }

    @Test
    void discardingTheOnlyVersionOfANeverStoredCredentialLeavesNoCurrent() {
        store().putPending(path, "r1", V1, null);

        store().discardPending(path, "r1");

        assertThat(store().read(path, Label.CURRENT)).isEmpty();
        assertThat(store().read(path, "r1")).isEmpty();
    }

    @Test
    void repeatedWriteAheadKeepsTheStoredValue() {
        store().putCurrent(path, "v1", V1, null);
        store().putPending(path, "r2", V2, "v1");

        store().putPending(path, "r2", SecretValue.of("a-different-value"), "v1");

        assertThat(store().read(path, "r2")).contains(V2);
    }

    @Test
    void writeAheadRefusesAStaleCurrentOrAnotherPendingVersion() {
        store().putCurrent(path, "v1", V1, null);

        assertThatThrownBy(() -> store().putPending(path, "r2", V2, "v0")).isInstanceOf(StoreConflictException.class);
        assertThat(store().describe(path).orElseThrow().versionWith(Label.PENDING)).isEmpty();

        store().putPending(path, "r2", V2, "v1");
        assertThatThrownBy(() -> store().putPending(path, "r3", V1, "v1")).isInstanceOf(StoreConflictException.class);
        assertThat(store().describe(path).orElseThrow().versionWith(Label.PENDING)).contains("r2");
    }

    @Test
    void promotionIsIdempotentAndRefusesAMovedCurrent() {
        store().putCurrent(path, "v1", V1, null);
        store().putPending(path, "r2", V2, "v1");
        store().promote(path, "r2", "v1");

        store().promote(path, "r2", "v1");
        assertThat(store().describe(path).orElseThrow().labels()).isEqualTo(Map.of(Label.CURRENT, "r2", Label.PREVIOUS, "v1"));

        store().putPending(path, "r3", SecretValue.of("third-value-Jw2"), "r2");
        assertThatThrownBy(() -> store().promote(path, "r3", "v1")).isInstanceOf(StoreConflictException.class);
        assertThat(store().describe(path).orElseThrow().versionWith(Label.CURRENT)).contains("r2");
    }

    @Test
    void manualWriteDuringARotationMakesItsPromotionFail() {
        store().putCurrent(path, "v1", V1, null);
        store().putPending(path, "r2", V2, "v1");

        store().putCurrent(path, "manual", SecretValue.of("typed-by-a-person"), "v1");

        assertThatThrownBy(() -> store().promote(path, "r2", "v1")).isInstanceOf(StoreConflictException.class);
        assertThat(store().describe(path).orElseThrow().labels())
                .containsEntry(Label.CURRENT, "manual").containsEntry(Label.PREVIOUS, "v1");
    }

    @Test
    void discardRemovesOnlyAPendingVersion() {
        store().putCurrent(path, "v1", V1, null);
        store().putPending(path, "r2", V2, "v1");

        store().discardPending(path, "r2");
        SecretMetadata after = store().describe(path).orElseThrow();
        assertThat(after.versionIds()).containsExactly("v1");
        assertThat(after.labels()).isEqualTo(Map.of(Label.CURRENT, "v1"));
        assertThat(store().read(path, "r2")).isEmpty();

        store().discardPending(path, "r2");
        assertThatThrownBy(() -> store().discardPending(path, "v1")).isInstanceOf(IllegalStateException.class);
        assertThat(store().read(path, "v1")).contains(V1);
    }

    @Test
    void conflictMessagesNeverContainValues() {
        store().putCurrent(path, "v1", V1, null);

        assertThatThrownBy(() -> store().putPending(path, "r2", V2, "stale"))
                .isInstanceOf(StoreConflictException.class)
                .satisfies(e -> assertThat(e.getMessage()).doesNotContain(V2.reveal()).doesNotContain(V1.reveal()));
    }
}
