package io.rekey.lifecycle.it;

import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.LifecycleApp.Response;
import io.rekey.lifecycle.support.Logs;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The dev stack's demo secrets are registered at start, once, whatever the number of restarts. */
@RekeyIntegrationTest
class SeedIT {

    private static final String VIEWER = LifecycleApp.token("val", "viewer");

    @Test
    void demoSecretsAreRegisteredOnceAcrossRestarts(RekeyStack stack) {
        Map<String, Object> settings = LifecycleApp.settings(stack);
        settings.put("rekey.lifecycle.seed-file", Path.of("demo/demo-secrets.json").toAbsolutePath().toString());
        settings.put("rekey.lifecycle.policy.min-cron-gap", "2m"); // as the dev stack runs it

        try (LifecycleApp app = LifecycleApp.start(settings)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> app.get("/secrets/demo/honeytoken/aws-root-key", VIEWER).status() == 200);
            Response orders = app.get("/secrets/db/orders", VIEWER);
            assertThat(orders.<String>at("updatedBy")).isEqualTo("rekey-lifecycle-seed");
            assertThat(orders.<String>at("state")).isEqualTo("ACTIVATED");
            assertThat(app.get("/secrets/api/stripe-key", VIEWER).<String>at("health")).isEqualTo("expiring_soon");
            assertThat(app.get("/secrets/demo/honeytoken/aws-root-key", VIEWER).<String>at("rotation", "schedule", "status")).isEqualTo("manual");
        }
        try (LifecycleApp again = LifecycleApp.start(settings)) {
            again.awaitRuns(3);
            assertThat(again.get("/secrets/db/orders", VIEWER).<Number>at("revision").longValue()).isEqualTo(1L);
            assertThat(Logs.<LifecycleEvent>read(stack, Topics.LIFECYCLE_EVENTS.name(), "db/orders", Duration.ofSeconds(10),
                    r -> r.size() >= 2)).extracting(e -> e.getType().name()).containsExactly("CREATED", "ACTIVATED");
        }
    }
}
