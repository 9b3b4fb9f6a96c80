package io.rekey.lifecycle.view;

import io.rekey.lifecycle.kafka.RecordRouter;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.Samples;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.TimeoutException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Folding the log into the view, record by record, without Kafka. */
class LifecycleViewTest {

    private static final String ID = "db/orders";
    private static final Instant T0 = Samples.T0;

    private final LifecycleView view = new LifecycleView(100, 10, Duration.ofHours(1));
    private final RecordRouter router = new RecordRouter(view);

    private void lifecycle(LifecycleEventType type, LifecycleState from, LifecycleState to, Instant at) {
        assertThat(router.route(Topics.LIFECYCLE_EVENTS.name(), ID, 0, LifecycleEvent.newBuilder(Samples.lifecycleEvent(ID))
                .setType(type).setFromState(from).setToState(to).setOccurredAt(at).setRotationId("r-" + at.getEpochSecond())
                .build())).isEmpty();
    }

    private void registered(Instant at) {
        router.route(Topics.REGISTRY.name(), ID, 3, Samples.descriptor(ID));
        lifecycle(LifecycleEventType.CREATED, null, LifecycleState.CREATED, at);
        lifecycle(LifecycleEventType.ACTIVATED, LifecycleState.CREATED, LifecycleState.ACTIVATED, at);
    }

    private void phase(String rotationId, RotationPhase phase, Instant at) {
        router.route(Topics.ROTATION_EVENTS.name(), ID, 0, RotationEvent.newBuilder(Samples.rotationEvent(ID, phase))
                .setRotationId(rotationId).setOccurredAt(at).build());
    }

    @Test
    void rotationsFromEitherTopicMoveLastRotatedAndSettleAFailureThatCameBefore() {
        registered(T0);
        phase("r-1", RotationPhase.FAILED, T0.plusSeconds(60));
        assertThat(view.secret(ID, T0).orElseThrow().rotationFailure()).isNotNull();

        phase("r-2", RotationPhase.PROMOTED, T0.plusSeconds(120));

        SecretSnapshot s = view.secret(ID, T0).orElseThrow();
        assertThat(s.rotationFailure()).isNull();
        assertThat(s.lastRotatedAt()).isEqualTo(T0.plusSeconds(120));
        assertThat(s.knownRotationIds()).contains("r-1", "r-2");
    }

    @Test
    void aFailureAfterTheLastSuccessHoldsWhateverOrderTheTopicsAreReadIn() {
        registered(T0);
        lifecycle(LifecycleEventType.ROTATION_FAILED, null, null, T0.plusSeconds(300));
        phase("r-1", RotationPhase.PROMOTED, T0.plusSeconds(100));

        assertThat(view.secret(ID, T0).orElseThrow().rotationFailure().at()).isEqualTo(T0.plusSeconds(300));
    }

    @Test
    void anUnansweredCommandIsInFlightUntilTheCommandTimeout() {
        registered(T0);
        router.route(Topics.ROTATION_COMMANDS.name(), ID, 0, RotationCommand.newBuilder(Samples.rotationCommand(ID))
                .setRotationId("r-9").setIssuedAt(T0).build());

        assertThat(view.secret(ID, T0.plusSeconds(60)).orElseThrow().inFlight().rotationId()).isEqualTo("r-9");
        assertThat(view.secret(ID, T0.plus(Duration.ofHours(2))).orElseThrow().inFlight()).isNull();

        phase("r-9", RotationPhase.DEPLOYED, T0.plus(Duration.ofHours(3)));
        assertThat(view.secret(ID, T0.plus(Duration.ofHours(4))).orElseThrow().inFlight().lastPhase()).isEqualTo(RotationPhase.DEPLOYED);
        phase("r-9", RotationPhase.PROMOTED, T0.plus(Duration.ofHours(4)));
        assertThat(view.secret(ID, T0.plus(Duration.ofHours(4))).orElseThrow().inFlight()).isNull();
    }

    @Test
    void onlySuccessfulReadsMoveLastAccess() {
        registered(T0);
        AccessEvent read = AccessEvent.newBuilder(Samples.accessEvent("svc", ID)).setOccurredAt(T0.plusSeconds(5)).build();
        AccessEvent denied = AccessEvent.newBuilder(read).setOccurredAt(T0.plusSeconds(9)).setOutcome(AccessResult.DENIED).build();
        AccessEvent write = AccessEvent.newBuilder(read).setOccurredAt(T0.plusSeconds(9)).setAction(AccessAction.WRITE).build();
        for (AccessEvent e : new AccessEvent[] {read, denied, write}) {
            router.route(Topics.ACCESS_EVENTS.name(), e.getPrincipalId(), 0, e);
        }

        SecretSnapshot s = view.secret(ID, T0).orElseThrow();
        assertThat(s.lastAccessAt()).isEqualTo(T0.plusSeconds(5));
        assertThat(s.reads()).isEqualTo(1);
    }

    @Test
    void aPurgeAndARegistrationOfTheSameIdStartANewIncarnation() {
        registered(T0);
        phase("r-old", RotationPhase.PROMOTED, T0.plusSeconds(10));
        lifecycle(LifecycleEventType.DEPRECATED, LifecycleState.ACTIVATED, LifecycleState.DEPRECATED, T0.plusSeconds(20));
        lifecycle(LifecycleEventType.SOFT_DELETED, LifecycleState.DEPRECATED, LifecycleState.DEPRECATED, T0.plusSeconds(30));
        lifecycle(LifecycleEventType.PURGED, LifecycleState.DEPRECATED, LifecycleState.PURGED, T0.plusSeconds(40));
        router.route(Topics.REGISTRY.name(), ID, 3, null);
        assertThat(view.registered(T0)).isEmpty();

        registered(T0.plusSeconds(50));

        SecretSnapshot s = view.secret(ID, T0).orElseThrow();
        assertThat(s.status().state()).isEqualTo(LifecycleState.ACTIVATED);
        assertThat(s.lastRotatedAt()).isNull();
        assertThat(s.history()).extracting(HistoryEntry::type).containsExactly(LifecycleEventType.CREATED, LifecycleEventType.ACTIVATED);
        assertThat(s.registryPartition()).isEqualTo(3);
    }

    @Test
    void aCommandReadBeforeTheRegistrationOnReplayStaysKnown() {
        router.route(Topics.ROTATION_COMMANDS.name(), ID, 0, RotationCommand.newBuilder(Samples.rotationCommand(ID))
                .setRotationId("r-scheduled").setIssuedAt(T0.plusSeconds(1)).build());
        registered(T0);

        SecretSnapshot s = view.secret(ID, T0.plusSeconds(2)).orElseThrow();
        assertThat(s.knownRotationIds()).contains("r-scheduled");
        assertThat(s.inFlight().rotationId()).isEqualTo("r-scheduled");
    }

    @Test
    void rotationsOfAnEarlierIncarnationAreNeitherInFlightNorListedButStayKnown() {
        phase("r-old", RotationPhase.DEPLOYED, T0.minusSeconds(60));
        registered(T0);

        SecretSnapshot s = view.secret(ID, T0.plusSeconds(1)).orElseThrow();
        assertThat(s.inFlight()).isNull();
        assertThat(s.rotations()).isEmpty();
        assertThat(s.knownRotationIds()).contains("r-old");
    }

    @Test
    void recordsThatCannotBeUsedAreRefusedWithTheReason() {
        assertThat(router.route(Topics.REGISTRY.name(), "other/id", 0, Samples.descriptor(ID)))
                .contains("record key 'other/id' differs from the value's secretId 'db/orders'; records are keyed by secretId "
                        + "so one secret's records stay in one partition");
        assertThat(router.route(Topics.LIFECYCLE_EVENTS.name(), ID, 0, Samples.descriptor(ID)))
                .contains("rekey.lifecycle.events carries LifecycleEvent values, got io.rekey.schema.SecretDescriptor");
        assertThat(router.route(Topics.ROTATION_EVENTS.name(), ID, 0, null))
                .contains("null value (tombstone) on rekey.rotation.events, which is not compacted");
        assertThat(router.route(Topics.CONTROL.name(), "future-switch", 0, Samples.descriptor(ID))).isEmpty();
    }

    @Test
    void waitingForPositionsEndsWhenTheViewHasAppliedThemOrTimesOut() throws Exception {
        TopicPartition tp = new TopicPartition(Topics.REGISTRY.name(), 1);
        view.advance(tp, 5);

        view.awaitPositions(Map.of(tp, 5L), Duration.ofMillis(10));
        assertThatThrownBy(() -> view.awaitPositions(Map.of(tp, 6L), Duration.ofMillis(50)))
                .isInstanceOf(TimeoutException.class).hasMessageContaining("waiting for 6");
    }
}
