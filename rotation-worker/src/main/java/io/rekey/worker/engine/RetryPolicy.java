package io.rekey.worker.engine;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential backoff with "equal jitter": attempt n waits between half and all of
 * {@code min(max, base * 2^(n-1))}, so retries of many secrets failing together spread out but never
 * come back sooner than half the nominal delay.
 *
 * @param maxAttempts attempts (rotation cycles) before a rotation fails for good
 */
public record RetryPolicy(int maxAttempts, Duration baseDelay, Duration maxDelay) {

    public RetryPolicy {
        if (maxAttempts < 1) {
            throw new IllegalArgumentException("rekey.worker.max-attempts must be at least 1, was " + maxAttempts);
        }
        Objects.requireNonNull(baseDelay, "baseDelay must not be null");
        Objects.requireNonNull(maxDelay, "maxDelay must not be null");
        if (baseDelay.isNegative() || baseDelay.isZero() || maxDelay.compareTo(baseDelay) < 0) {
            throw new IllegalArgumentException("retry delays must satisfy 0 < base <= max, were base " + baseDelay + ", max " + maxDelay);
        }
    }

    /** Delay before retry number {@code attempt} (1 for the first retry). */
    public Duration delay(int attempt, RandomGenerator random) {
        long base = baseDelay.toMillis();
        long nominal = attempt >= 31 ? maxDelay.toMillis() : Math.min(maxDelay.toMillis(), base << Math.max(0, attempt - 1));
        long half = nominal / 2;
        return Duration.ofMillis(half + (half == 0 ? 0 : random.nextLong(half + 1)));
    }
}
