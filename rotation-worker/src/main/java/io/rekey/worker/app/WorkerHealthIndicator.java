package io.rekey.worker.app;

import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.AbstractHealthIndicator;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;

import java.util.Map;

/** UP while command intake runs; says how many rotations are in flight and whether emergency mode is on. */
@Singleton
@Liveness
public class WorkerHealthIndicator extends AbstractHealthIndicator<Map<String, Object>> {

    private final RotationWorker worker;

    public WorkerHealthIndicator(RotationWorker worker) {
        this.worker = worker;
    }

    @Override
    protected Map<String, Object> getHealthInformation() {
        healthStatus = worker.isRunning() ? HealthStatus.UP : HealthStatus.DOWN;
        return Map.of("rotationsInFlight", worker.rotationsInFlight(), "emergencyMode", worker.emergencyMode());
    }

    @Override
    protected String getName() {
        return "rotationWorker";
    }
}
