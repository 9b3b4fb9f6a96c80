package io.rekey.lifecycle.domain;

import io.rekey.testkit.MutableClock;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static io.rekey.schema.LifecycleState.ACCESSED;
import static io.rekey.schema.LifecycleState.ACTIVATED;
import static io.rekey.schema.LifecycleState.ARCHIVED;
import static io.rekey.schema.LifecycleState.CREATED;
import static io.rekey.schema.LifecycleState.DEPRECATED;
import static io.rekey.schema.LifecycleState.EXPIRED;
import static io.rekey.schema.LifecycleState.PURGED;
import static io.rekey.schema.LifecycleState.REVOKED;
import static io.rekey.schema.LifecycleState.ROTATED;
import static org.assertj.core.api.Assertions.assertThat;

class StateMachineTest {

    private static final String ID = "db/orders";
    private final MutableClock clock = MutableClock.at("2026-03-01T10:00:00Z");

    private Origin by(String actor) {
        return Origin.of(actor, clock.instant());
    }

    /** Applies every change of an accepted decision, as the log would. */
    private static SecretStatus apply(SecretStatus status, Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Accepted.class);
        SecretStatus s = status;
        for (Change change : ((Decision.Accepted) decision).changes()) {
            StateMachine.Evolution evolution = StateMachine.evolve(s, change);
            assertThat(evolution.applied()).as(evolution.note()).isTrue();
            s = evolution.status();
        }
        return s;
    }

    private SecretStatus registered(boolean activate) {
        return apply(null, StateMachine.decide(new SecretFacts(ID, null, null, false),
                new LifecycleCommand.Register(by("alice"), activate)));
    }

    private static SecretFacts facts(SecretStatus s) {
        return new SecretFacts(ID, s, null, false);
    }

    private static String refusal(Decision decision) {
        assertThat(decision).isInstanceOf(Decision.Refused.class);
        return ((Decision.Refused) decision).reason();
    }

    @Test
    void registrationCreatesAndActivatesWithActorOnEveryEvent() {
        Decision decision = StateMachine.decide(new SecretFacts(ID, null, null, false),
                new LifecycleCommand.Register(by("alice"), true));

        List<Change> changes = ((Decision.Accepted) decision).changes();
        assertThat(changes).extracting(Change::type).containsExactly(LifecycleEventType.CREATED, LifecycleEventType.ACTIVATED);
        assertThat(changes).extracting(Change::from).containsExactly(null, CREATED);
        assertThat(changes).extracting(Change::to).containsExactly(CREATED, ACTIVATED);
        assertThat(changes).extracting(Change::actor).containsOnly("alice");
        assertThat(apply(null, decision).state()).isEqualTo(ACTIVATED);
    }

    @Test
    void registeringTwiceIsRefusedWithTheState() {
        SecretStatus s = registered(true);

        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Register(by("bob"), true))))
                .isEqualTo("secret 'db/orders' is already registered (state ACTIVATED)");
    }

    @Test
    void fullRetirementPathWithSoftDeleteAndPurge() {
        SecretStatus s = registered(true);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Deprecate(by("alice"))));
        assertThat(s.state()).isEqualTo(DEPRECATED);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Archive(by("admin"))));
        assertThat(s.state()).isEqualTo(ARCHIVED);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.SoftDelete(by("admin"), Duration.ofDays(30))));
        assertThat(s.isSoftDeleted()).isTrue();

        clock.advance(Duration.ofDays(1));
        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Purge(by("admin"), Duration.ofDays(30), true))))
                .isEqualTo("secret 'db/orders' is recoverable until 2026-03-31T10:00:00Z and purge protection is on; "
                        + "it is purged automatically then");

        clock.advance(Duration.ofDays(29));
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Purge(by("lifecycle-service"), Duration.ofDays(30), true)));
        assertThat(s.state()).isEqualTo(PURGED);
        assertThat(s.isRegistered()).isFalse();
    }

    @Test
    void aSecretInUseCannotBeDeletedArchivedOrPurged() {
        SecretStatus s = registered(true);

        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.SoftDelete(by("admin"), Duration.ofDays(7)))))
                .isEqualTo("the secret is ACTIVATED (in use) and cannot be deleted; deprecate or revoke it first");
        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Archive(by("admin")))))
                .isEqualTo("the secret is ACTIVATED (in service); deprecate, revoke or let it expire before archiving it");
        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Purge(by("admin"), Duration.ofDays(7), false))))
                .isEqualTo("secret 'db/orders' must be soft-deleted before it can be purged");
    }

    @Test
    void refusalNamesTheCurrentStateAndTheAllowedNextStates() {
        SecretStatus s = registered(false);

        Decision.Refused refused = (Decision.Refused) StateMachine.decide(facts(s), new LifecycleCommand.Deprecate(by("alice")));

        assertThat(refused.reason()).isEqualTo(
                "cannot go from CREATED to DEPRECATED; from CREATED the next states are [ACTIVATED, ROTATED, EXPIRED, REVOKED, PURGED]");
        assertThat(refused.current()).isEqualTo(CREATED);
        assertThat(refused.allowedNext()).containsExactlyInAnyOrder(ACTIVATED, ROTATED, EXPIRED, REVOKED, PURGED);
    }

    @Test
    void revokedStaysRevoked() {
        SecretStatus s = registered(true);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Revoke(new Origin("admin", clock.instant(), "leaked in CI log", "INC-7"))));

        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Activate(by("admin")))))
                .isEqualTo("a REVOKED secret stays revoked: its credential was declared unsafe (register a new secret instead)");
        assertThat(StateMachine.rotationRefusal(facts(s))).contains(
                "the secret is REVOKED; a rotation can be requested in states [CREATED, ACTIVATED, ACCESSED, ROTATED, DEPRECATED]");
    }

    @Test
    void workerRotationIsATransitionFromActiveStates() {
        SecretStatus s = registered(true);
        clock.advance(Duration.ofHours(1));

        StateMachine.Evolution evolution = StateMachine.evolve(s, rotatedByWorker("r-1"));

        assertThat(evolution.applied()).isTrue();
        assertThat(evolution.status().state()).isEqualTo(ROTATED);
        assertThat(evolution.status().lastRotatedAt()).isEqualTo(clock.instant());
        assertThat(evolution.status().lastRotationId()).isEqualTo("r-1");
    }

    @Test
    void workerRotationOfARevokedSecretIsRecordedButKeepsItRevoked() {
        SecretStatus s = registered(true);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Revoke(by("admin"))));
        clock.advance(Duration.ofMinutes(5));

        StateMachine.Evolution evolution = StateMachine.evolve(s, rotatedByWorker("r-late"));

        assertThat(evolution.applied()).isFalse();
        assertThat(evolution.status().state()).isEqualTo(REVOKED);
        assertThat(evolution.status().lastRotatedAt()).isEqualTo(clock.instant());
        assertThat(evolution.note()).isEqualTo("state kept REVOKED: a REVOKED secret stays revoked: its credential was "
                + "declared unsafe (register a new secret instead)");
    }

    @Test
    void workerRotationOfADeprecatedSecretKeepsItDeprecated() {
        SecretStatus s = registered(true);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Deprecate(by("alice"))));

        StateMachine.Evolution evolution = StateMachine.evolve(s, rotatedByWorker("r-2"));

        assertThat(evolution.status().state()).isEqualTo(DEPRECATED);
        assertThat(evolution.note()).isEqualTo("state kept DEPRECATED: the secret is DEPRECATED (out of service); "
                + "a rotation does not put it back in service");
    }

    @Test
    void rotationFailureHoldsUntilClearedOrALaterRotation() {
        SecretStatus s = registered(true);
        s = StateMachine.evolve(s, new Change(null, ID, LifecycleEventType.ROTATION_FAILED, null, null, clock.instant(),
                "worker-1", "verify failed", "r-3", null, Map.of())).status();
        assertThat(s.rotationFailed()).isTrue();

        clock.advance(Duration.ofMinutes(1));
        SecretStatus cleared = apply(s, StateMachine.decide(new SecretFacts(ID, s, null, true),
                new LifecycleCommand.ClearRotationFailure(by("oncall"))));
        assertThat(cleared.rotationFailed()).isFalse();

        SecretStatus rotated = StateMachine.evolve(s, rotatedByWorker("r-4")).status();
        assertThat(rotated.rotationFailed()).isFalse();

        assertThat(refusal(StateMachine.decide(new SecretFacts(ID, cleared, null, false),
                new LifecycleCommand.ClearRotationFailure(by("oncall")))))
                .isEqualTo("secret 'db/orders' has no failed rotation to clear");
    }

    @Test
    void accessedMarksOnlyTheFirstUseAfterActivationOrRotation() {
        SecretStatus s = registered(true);
        clock.advance(Duration.ofMinutes(10));
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.MarkAccessed(by("lifecycle-service"),
                clock.instant().minusSeconds(30), "svc-orders")));
        assertThat(s.state()).isEqualTo(ACCESSED);

        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.MarkAccessed(by("lifecycle-service"),
                clock.instant(), "svc-orders"))))
                .startsWith("no access since the secret became ACCESSED");
    }

    @Test
    void expiryNeedsTheExpiryTimeToHaveComeAndRenewalNeedsANewOne() {
        Instant expiresAt = clock.instant().plus(Duration.ofDays(1));
        SecretStatus s = registered(true);
        assertThat(refusal(StateMachine.decide(new SecretFacts(ID, s, expiresAt, false), new LifecycleCommand.Expire(by("lifecycle-service")))))
                .startsWith("secret 'db/orders' does not expire before");

        clock.advance(Duration.ofDays(1));
        s = apply(s, StateMachine.decide(new SecretFacts(ID, s, expiresAt, false), new LifecycleCommand.Expire(by("lifecycle-service"))));
        assertThat(s.state()).isEqualTo(EXPIRED);

        assertThat(refusal(StateMachine.decide(new SecretFacts(ID, s, expiresAt, false), new LifecycleCommand.Activate(by("alice")))))
                .contains("move expiresAt into the future");
        s = apply(s, StateMachine.decide(new SecretFacts(ID, s, expiresAt.plus(Duration.ofDays(90)), false),
                new LifecycleCommand.Activate(by("alice"))));
        assertThat(s.state()).isEqualTo(ACTIVATED);
    }

    @Test
    void expiryWarningIsRecordedOncePerLeadTimeAndExpiry() {
        Instant expiresAt = clock.instant().plus(Duration.ofDays(7));
        SecretStatus s = registered(true);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.WarnExpiry(by("lifecycle-service"), Duration.ofDays(7), expiresAt)));

        assertThat(s.warned(Duration.ofDays(7), expiresAt)).isTrue();
        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.WarnExpiry(by("lifecycle-service"), Duration.ofDays(7), expiresAt))))
                .contains("was already sent");
    }

    @Test
    void aSoftDeletedSecretRefusesEverythingButRestoreAndPurge() {
        SecretStatus s = registered(false);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.SoftDelete(by("admin"), Duration.ofDays(7))));

        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Activate(by("alice")))))
                .startsWith("secret 'db/orders' is soft-deleted");
        assertThat(refusal(StateMachine.decide(facts(s), new LifecycleCommand.Register(by("alice"), true))))
                .contains("restore it, or purge it before registering the id again");
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Restore(by("admin"))));
        assertThat(s.isSoftDeleted()).isFalse();
        assertThat(s.state()).isEqualTo(CREATED);
    }

    @Test
    void aPurgedIdMayBeRegisteredAgainAsANewSecret() {
        SecretStatus s = registered(false);
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.SoftDelete(by("admin"), Duration.ofDays(7))));
        s = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Purge(by("admin"), Duration.ofDays(7), false)));
        clock.advance(Duration.ofDays(1));

        SecretStatus again = apply(s, StateMachine.decide(facts(s), new LifecycleCommand.Register(by("bob"), true)));

        assertThat(again.state()).isEqualTo(ACTIVATED);
        assertThat(again.createdAt()).isEqualTo(clock.instant());
    }

    @Test
    void everyIllegalTransitionHasAReason() {
        for (LifecycleState from : LifecycleState.values()) {
            for (LifecycleState to : LifecycleState.values()) {
                if (!StateMachine.allowedNext(from).contains(to)) {
                    assertThat(StateMachine.refusal(from, to)).as(from + " -> " + to).isPresent();
                } else {
                    assertThat(StateMachine.refusal(from, to)).as(from + " -> " + to).isEmpty();
                }
            }
        }
    }

    private Change rotatedByWorker(String rotationId) {
        return new Change("e-" + rotationId, ID, LifecycleEventType.ROTATED, null, ROTATED, clock.instant(), "worker-1",
                null, rotationId, null, Map.of());
    }
}
