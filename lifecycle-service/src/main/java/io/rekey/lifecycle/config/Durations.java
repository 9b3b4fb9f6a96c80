package io.rekey.lifecycle.config;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Parses durations written as {@code 30d}, {@code 12h}, {@code 90m}, {@code 45s} or ISO-8601 ({@code P30D}). */
public final class Durations {

    private static final Pattern SHORT = Pattern.compile("(\\d{1,9})\\s*(ms|s|m|h|d)");

    private Durations() {
    }

    /** @throws IllegalArgumentException naming {@code setting} when {@code text} is not a duration */
    public static Duration parse(String setting, String text) {
        String value = text == null ? "" : text.trim();
        Matcher m = SHORT.matcher(value);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            switch (m.group(2)) {
                case "ms": return Duration.ofMillis(n);
                case "s": return Duration.ofSeconds(n);
                case "m": return Duration.ofMinutes(n);
                case "h": return Duration.ofHours(n);
                default: return Duration.ofDays(n);
            }
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException(setting + " must be a duration such as 30d, 12h, 15m, 30s or P30D; was '" + value + "'");
        }
    }

    /** A positive duration. */
    public static Duration positive(String setting, String text) {
        Duration d = parse(setting, text);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(setting + " must be positive; was '" + text + "'");
        }
        return d;
    }

    /** A comma-separated list of positive durations. */
    public static List<Duration> positiveList(String setting, String text) {
        List<Duration> out = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(",")) {
            if (!part.isBlank()) {
                out.add(positive(setting, part));
            }
        }
        if (out.isEmpty()) {
            throw new IllegalArgumentException(setting + " must list at least one duration, for example 30d,7d,1d");
        }
        return List.copyOf(out);
    }
}
