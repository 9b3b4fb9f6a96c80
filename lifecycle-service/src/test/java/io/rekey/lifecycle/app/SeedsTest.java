package io.rekey.lifecycle.app;

import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.rekey.lifecycle.registry.ValidationLimits;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SeedsTest {

    private static List<Map<String, Object>> demo() throws IOException {
        return JsonMapper.createDefault().readValue(Files.readAllBytes(Path.of("demo/demo-secrets.json")),
                Argument.listOf(Argument.mapOf(String.class, Object.class)));
    }

    /** The dev stack allows a two-minute cron gap (REKEY_LIFECYCLE_POLICY_MIN_CRON_GAP) so it can show scheduled rotations. */
    static final ValidationLimits DEV_STACK = new ValidationLimits(1, 730, Duration.ofMinutes(2), Duration.ofDays(30));

    @Test
    void theDevStacksDemoSecretsAreValidRegistrations() throws IOException {
        Seeds seeds = Seeds.of(demo(), DEV_STACK, Instant.now(), "demo-secrets.json");

        assertThat(seeds.size()).isEqualTo(8);
    }

    @Test
    void withDefaultLimitsTheTwoMinuteCronIsRefused() {
        assertThatThrownBy(() -> Seeds.of(demo(), ValidationLimits.DEFAULTS, Instant.now(), "demo-secrets.json"))
                .hasMessageContaining("(cache/sessions) is invalid").hasMessageContaining("rotationPolicy.cron");
    }

    @Test
    void anInvalidEntryStopsTheStartNamingTheEntryAndTheField() throws IOException {
        List<Map<String, Object>> entries = demo();
        Map<String, Object> broken = new java.util.HashMap<>(entries.get(1));
        broken.put("type", "SSH_KEY");

        assertThatThrownBy(() -> Seeds.of(List.of(entries.get(0), broken), DEV_STACK, Instant.now(), "seeds.json"))
                .hasMessageStartingWith("seeds.json entry 1 (db/orders) is invalid: type: unknown type 'SSH_KEY'");
    }
}
