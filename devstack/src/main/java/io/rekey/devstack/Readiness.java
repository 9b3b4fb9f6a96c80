package io.rekey.devstack;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/** Polls until a process is ready, failing fast (with its log) if it dies first. */
final class Readiness {

    private Readiness() {
    }

    static void await(ChildProcess process, Duration timeout, BooleanSupplier ready) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException(process.name() + " exited during start-up; last log lines:\n" + process.logTail(30));
            }
            if (ready.getAsBoolean()) {
                return;
            }
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for " + process.name(), e);
            }
        }
        process.stop(Duration.ofSeconds(5));
        throw new IllegalStateException(process.name() + " not ready after " + timeout.toSeconds() + " s; last log lines:\n"
                + process.logTail(30));
    }
}
