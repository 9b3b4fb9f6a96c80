package io.rekey.audit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings every detector has.
 *
 * @param enabled         whether the detector runs at all
 * @param allowPrincipals principals the detector never reports (service accounts whose normal behaviour trips it)
 * @param cooldown        how long repeats of the same (principal, type) are suppressed; {@code null} uses the global one
 * @param threshold       count that fires a counting detector; 1 for the others
 * @param window          the sliding window of a counting detector, or the look-back of a detector that remembers
 *                        what it has seen; {@link Duration#ZERO} where neither applies
 */
public record DetectorSettings(boolean enabled, PrincipalMatcher allowPrincipals, Duration cooldown, int threshold, Duration window) {

    public DetectorSettings {
        Objects.requireNonNull(allowPrincipals, "allowPrincipals must not be null");
        Objects.requireNonNull(window, "window must not be null");
        if (threshold < 1) {
            throw new IllegalArgumentException("threshold must be at least 1, was " + threshold);
        }
    }
}
