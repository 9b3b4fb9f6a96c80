package io.rekey.worker.app;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rekey.schema.RotationPhase;
import io.rekey.worker.engine.Rotation;
import io.rekey.worker.engine.RotationRunner;

import java.time.Duration;

/**
 * Rotation metrics. Tags are bounded enums (secret type, outcome, phase): never a secret id or a value.
 * {@code rekey_secrets_rotation_total{type,outcome}} counts finished rotations;
 * {@code rekey_rotation_phase_duration_seconds{phase}} is a histogram of phase durations.
 */
final class WorkerMetrics implements RotationRunner.Listener {

    private final MeterRegistry registry;

    WorkerMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    @Override
    public void phaseCompleted(RotationPhase phase, Duration took) {
        Timer.builder("rekey.rotation.phase.duration")
                .description("Time spent in each rotation phase")
                .tag("phase", phase.name())
                .publishPercentileHistogram()
                .register(registry)
                .record(took);
    }

    @Override
    public void rotationEnded(Rotation rotation) {
        Counter.builder("rekey.secrets.rotation")
                .description("Rotations that ended, by secret type and outcome")
                .tag("type", rotation.secretType() == null ? "UNKNOWN" : rotation.secretType().name())
                .tag("outcome", rotation.dryRun() ? "DRY_RUN" : rotation.phase().name())
                .register(registry)
                .increment();
    }
}
