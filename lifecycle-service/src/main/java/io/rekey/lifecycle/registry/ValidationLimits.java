package io.rekey.lifecycle.registry;

import java.time.Duration;

/**
 * Ranges the registry accepts for rotation policies.
 *
 * @param minIntervalDays shortest rotation interval
 * @param maxIntervalDays longest rotation interval
 * @param minCronGap      shortest time between two cron times (a cron that fires every minute is a mistake)
 * @param maxGracePeriod  longest grace period a policy may ask for
 */
public record ValidationLimits(int minIntervalDays, int maxIntervalDays, Duration minCronGap, Duration maxGracePeriod) {

    public static final ValidationLimits DEFAULTS = new ValidationLimits(1, 730, Duration.ofHours(1), Duration.ofDays(30));

    public ValidationLimits {
        if (minIntervalDays < 1 || maxIntervalDays < minIntervalDays) {
            throw new IllegalArgumentException("interval limits must satisfy 1 <= min <= max, were "
                    + minIntervalDays + " and " + maxIntervalDays);
        }
    }
}
