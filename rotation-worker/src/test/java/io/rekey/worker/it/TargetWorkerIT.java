package io.rekey.worker.it;

import io.micronaut.context.ApplicationContext;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One worker per test class for a target adapter's tests, with {@link io.rekey.worker.app.TargetGates} wired in so a
 * test can stop the worker before an operation and act at the target.
 */
@RekeyIntegrationTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
abstract class TargetWorkerIT {

    static final Duration WAIT = Duration.ofSeconds(90);

    WorkerHarness harness;
    private ApplicationContext worker;

    /** The worker's instance id, unique per class. */
    abstract String instanceId();

    /** Extra worker settings. */
    Map<String, Object> settings() {
        return Map.of();
    }

    @BeforeAll
    void startWorker(RekeyStack stack) {
        harness = new WorkerHarness(stack);
        Map<String, Object> all = new HashMap<>(settings());
        all.put("rekey.test.target-gates", "true");
        worker = harness.startWorker(instanceId(), all);
    }

    @AfterAll
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
        if (harness != null) {
            harness.close();
        }
    }
}
