package io.rekey.lifecycle.runtime;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Readiness;
import io.rekey.lifecycle.app.TimeDrivenActions;
import io.rekey.lifecycle.kafka.Ownership;
import io.rekey.lifecycle.view.LifecycleView;
import jakarta.inject.Singleton;

import java.util.LinkedHashMap;
import java.util.Map;

/** Ready once the view has read the log as far as it reached at start; says which partitions this instance drives. */
@Singleton
@Readiness
public class ViewHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final LifecycleView view;
    private final Ownership ownership;
    private final TimeDrivenActions actions;

    public ViewHealthIndicator(LifecycleView view, Ownership ownership, TimeDrivenActions actions) {
        this.view = view;
        this.ownership = ownership;
        this.actions = actions;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = view.caughtUp() ? HealthStatus.UP : HealthStatus.DOWN;
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("caughtUp", view.caughtUp());
        details.put("drivenPartitions", ownership.owned().stream().sorted().toList());
        details.put("timeDrivenRuns", actions.runs());
        details.put("emergencyMode", view.emergencyActive());
        return details;
    }

    @Override
    protected String getName() {
        return "lifecycleView";
    }
}
