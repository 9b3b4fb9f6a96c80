package io.rekey.audit.demo;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.detect.InMemoryDetection;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The demo's traffic through the real detectors with default settings: the rogue trips all of them, nobody else any. */
class DemoScenarioTest {

    private final InMemoryDetection detection = new InMemoryDetection(AuditConfig.defaults(), Set.of(DemoScenario.HONEYTOKEN),
            Clock.systemUTC(), AuditMetrics.NONE);

    @ParameterizedTest(name = "starting {0}")
    @ValueSource(strings = {"2026-11-25T03:00:00Z", "2026-11-24T14:30:00Z", "2026-11-29T23:50:00Z"})
    void theRogueTripsEveryDetectorAndNobodyElseAny(String start) {
        Instant now = Instant.parse(start);
        DemoScenario scenario = new DemoScenario(42);
        List<Anomaly> history = run(scenario.backfill(now, 21));
        List<Anomaly> normal = new ArrayList<>();
        for (int second = 0; second < 600; second++) {
            normal.addAll(run(scenario.normal(now.plusSeconds(second), 20)));
        }
        assertThat(history).as("backfill").isEmpty();
        assertThat(normal).as("ten minutes of ordinary traffic at 20 events/s").isEmpty();

        List<Anomaly> burst = run(scenario.rogueBurst(now.plus(Duration.ofMinutes(10))));

        assertThat(burst).extracting(Anomaly::getPrincipalId).containsOnly(DemoScenario.ROGUE);
        assertThat(burst).extracting(Anomaly::getType).containsExactlyInAnyOrderElementsOf(AuditSettings.detectorTypes());
        List<Anomaly> again = run(scenario.rogueBurst(now.plus(Duration.ofMinutes(11))));
        assertThat(again).as("a second burst within the cool-down is suppressed").isEmpty();
    }

    private List<Anomaly> run(List<AccessEvent> events) {
        List<Anomaly> out = new ArrayList<>();
        events.forEach(e -> detection.process(e, e.getOccurredAt().toEpochMilli(), out));
        return out;
    }
}
