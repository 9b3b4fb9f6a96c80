package io.rekey.lifecycle.expiry;

import io.rekey.lifecycle.domain.LifecycleCommand;
import io.rekey.lifecycle.domain.Origin;
import io.rekey.lifecycle.domain.SecretFacts;
import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.lifecycle.domain.StateMachine;
import io.rekey.lifecycle.domain.Decision;
import io.rekey.lifecycle.domain.Change;
import io.rekey.testkit.MutableClock;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExpiryWatchTest {

    private static final String ID = "api/partner";
    private final MutableClock clock = MutableClock.at("2026-01-01T00:00:00Z");
    private final ExpiryWatch watch = new ExpiryWatch(List.of(Duration.ofDays(30), Duration.ofDays(7), Duration.ofDays(1)));
    private final List<ExpiryWatch.Action> recorded = new ArrayList<>();

    private SecretStatus status = register();

    private SecretStatus register() {
        Decision d = StateMachine.decide(new SecretFacts(ID, null, null, false),
                new LifecycleCommand.Register(Origin.of("alice", clock.instant()), true));
        SecretStatus s = null;
        for (Change c : ((Decision.Accepted) d).changes()) {
            s = StateMachine.evolve(s, c).status();
        }
        return s;
    }

    /** One tick of the watch: records what is due and folds it into the status, as the service does. */
    private void tick(Instant expiresAt) {
        Optional<ExpiryWatch.Action> action = watch.due(status, expiresAt, clock.instant());
        action.ifPresent(a -> {
            recorded.add(a);
            LifecycleCommand command = a instanceof ExpiryWatch.Action.Warn w
                    ? new LifecycleCommand.WarnExpiry(Origin.of("lifecycle-service", clock.instant()), w.leadTime(), w.expiresAt())
                    : new LifecycleCommand.Expire(Origin.of("lifecycle-service", clock.instant()));
            Decision d = StateMachine.decide(new SecretFacts(ID, status, expiresAt, false), command);
            for (Change c : ((Decision.Accepted) d).changes()) {
                status = StateMachine.evolve(status, c).status();
            }
        });
    }

    @Test
    void warnsAtEachLeadTimeOnceThenExpiresOnce() {
        Instant expiresAt = clock.instant().plus(Duration.ofDays(60));
        for (int hour = 0; hour < 62 * 24; hour++) {
            tick(expiresAt);
            clock.advance(Duration.ofHours(1));
        }

        assertThat(recorded).containsExactly(
                new ExpiryWatch.Action.Warn(ID, Duration.ofDays(30), expiresAt),
                new ExpiryWatch.Action.Warn(ID, Duration.ofDays(7), expiresAt),
                new ExpiryWatch.Action.Warn(ID, Duration.ofDays(1), expiresAt),
                new ExpiryWatch.Action.Expire(ID, expiresAt));
    }

    @Test
    void whenSeveralLeadTimesPassedAtOnceOnlyTheMostUrgentIsSent() {
        Instant expiresAt = clock.instant().plus(Duration.ofDays(5));

        tick(expiresAt);
        clock.advance(Duration.ofHours(1));
        tick(expiresAt);

        assertThat(recorded).containsExactly(new ExpiryWatch.Action.Warn(ID, Duration.ofDays(7), expiresAt));
    }

    @Test
    void aRenewedExpiryStartsTheWarningsAfresh() {
        Instant first = clock.instant().plus(Duration.ofDays(6));
        tick(first);
        Instant renewed = first.plus(Duration.ofDays(365));
        clock.set(renewed.minus(Duration.ofDays(29)));

        tick(renewed);

        assertThat(recorded).containsExactly(new ExpiryWatch.Action.Warn(ID, Duration.ofDays(7), first),
                new ExpiryWatch.Action.Warn(ID, Duration.ofDays(30), renewed));
    }

    @Test
    void nothingForSecretsWithoutExpiryOrAlreadySettled() {
        assertThat(watch.due(status, null, clock.instant())).isEmpty();
        Instant past = clock.instant().minusSeconds(1);
        tick(past);
        assertThat(watch.due(status, past, clock.instant())).isEmpty();
    }

    @Test
    void leadTimesMustBePositiveAndDistinct() {
        assertThatThrownBy(() -> new ExpiryWatch(List.of(Duration.ofDays(7), Duration.ofDays(7))))
                .hasMessageContaining("distinct");
        assertThatThrownBy(() -> new ExpiryWatch(List.of(Duration.ZERO))).hasMessageContaining("positive");
        assertThat(ExpiryWatch.bucket(Duration.ofDays(30))).isEqualTo("30d");
        assertThat(ExpiryWatch.bucket(Duration.ofHours(12))).isEqualTo("12h");
    }
}
