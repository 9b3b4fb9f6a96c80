package io.rekey.bench;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Every benchmark in its smoke size, so none of them rots: it must run end to end and print its figures and the
 * ratio to its baseline. Speed is not asserted here; BENCHMARKS.md has the figures of full-size runs.
 */
class BenchSmokeIT {

    @Test
    void massRotationRunsAndReportsItsRatio() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        MassRotationBench.Result result = MassRotationBench.run(5, 5, 3, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(result.verified()).isEqualTo(5);
        assertThat(result.ratio()).isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("baseline:").contains("ratio to baseline:");
    }

    @Test
    void rotationLatencyRunsAndReportsItsRatio() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        RotationLatencyBench.Result result = RotationLatencyBench.run(5, 2, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(result.rotation().count()).isEqualTo(5);
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("baseline ALTER ROLE + login").contains("ratio of p50 to baseline p50:");
    }

    @Test
    void auditThroughputRunsAndReportsItsRatio() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        AuditThroughputBench.Result result = AuditThroughputBench.run(5_000, 42, null, new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(result.events()).isEqualTo(5_000);
        assertThat(result.baselinePerSecond()).isPositive();
        assertThat(result.topologyPerSecond()).isPositive();
        assertThat(result.anomalies()).as("carol's rogue burst is in the pre-loaded traffic").isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("baseline pass 2:").contains("ratio to baseline:");
    }

    @Test
    void detectionLatencyDetectsEveryBurstAndReportsItsRatio() throws Exception {
        ByteArrayOutputStream text = new ByteArrayOutputStream();

        DetectionLatencyBench.Result result = DetectionLatencyBench.run(200, 3, Duration.ofMillis(500), Duration.ofSeconds(2),
                new PrintStream(text, true, StandardCharsets.UTF_8));

        assertThat(result.detection().count()).isEqualTo(3);
        assertThat(result.baseline().count()).isEqualTo(3);
        assertThat(result.detection().max()).isPositive();
        assertThat(text.toString(StandardCharsets.UTF_8)).contains("detected 3/3 bursts").contains("ratio of p99 to baseline p99:");
    }
}
