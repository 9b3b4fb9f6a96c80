package io.rekey.audit.config;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A set of principals given as exact ids or prefixes ending in {@code *} ({@code svc-backup-*}; {@code *} alone
 * matches everyone). Matching is a hash lookup plus a scan of the prefixes, never a regular expression, because it
 * runs for every event.
 */
public final class PrincipalMatcher {

    public static final PrincipalMatcher NONE = new PrincipalMatcher(List.of());

    private final List<String> patterns;
    private final Set<String> exact = new HashSet<>();
    private final String[] prefixes;
    private final boolean everyone;

    private PrincipalMatcher(List<String> patterns) {
        this.patterns = List.copyOf(patterns);
        List<String> prefixList = new ArrayList<>();
        boolean all = false;
        for (String pattern : patterns) {
            if (pattern.equals("*")) {
                all = true;
            } else if (pattern.endsWith("*")) {
                prefixList.add(pattern.substring(0, pattern.length() - 1));
            } else {
                exact.add(pattern);
            }
        }
        this.prefixes = prefixList.toArray(String[]::new);
        this.everyone = all;
    }

    /**
     * @param setting the configuration key, named in the error message
     * @throws IllegalArgumentException when a pattern is blank or has a {@code *} anywhere but at its end
     */
    public static PrincipalMatcher of(String setting, List<String> patterns) {
        Objects.requireNonNull(patterns, "patterns must not be null");
        for (String pattern : patterns) {
            if (pattern == null || pattern.isBlank()) {
                throw new IllegalArgumentException(setting + ": a principal pattern must not be blank");
            }
            int star = pattern.indexOf('*');
            if (star >= 0 && star != pattern.length() - 1) {
                throw new IllegalArgumentException(setting + ": '" + pattern
                        + "' is not a principal id or a prefix ending in * (only a trailing * is allowed)");
            }
        }
        return patterns.isEmpty() ? NONE : new PrincipalMatcher(patterns);
    }

    public boolean matches(String principal) {
        if (everyone) {
            return true;
        }
        if (exact.contains(principal)) {
            return true;
        }
        for (String prefix : prefixes) {
            if (principal.startsWith(prefix)) {
                return true;
            }
        }
        return false;
    }

    public boolean isEmpty() {
        return patterns.isEmpty();
    }

    public List<String> patterns() {
        return patterns;
    }

    @Override
    public String toString() {
        return String.join(",", patterns);
    }
}
