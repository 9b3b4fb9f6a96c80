package io.rekey.cli.options;

import picocli.CommandLine;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A point in time on the command line: an ISO-8601 instant ({@code 2026-11-21T10:00:00Z}), a local date-time taken
 * as UTC ({@code 2026-11-21T10:00}), {@code now}, or an offset from now ({@code -2h}, {@code -30m}, {@code -7d}).
 */
public final class TimeArgument implements CommandLine.ITypeConverter<Instant> {

    private static final Pattern RELATIVE = Pattern.compile("-(\\d+)([smhd])");
    private static final Clock CLOCK = Clock.systemUTC();

    @Override
    public Instant convert(String value) {
        String text = value.trim();
        if (text.equals("now")) {
            return CLOCK.instant();
        }
        Matcher relative = RELATIVE.matcher(text);
        if (relative.matches()) {
            long n = Long.parseLong(relative.group(1));
            Duration d = switch (relative.group(2)) {
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                default -> Duration.ofDays(n);
            };
            return CLOCK.instant().minus(d);
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException notAnInstant) {
            try {
                return LocalDateTime.parse(text).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new CommandLine.TypeConversionException("'" + value + "' is not a time: use an ISO-8601 instant "
                        + "(2026-11-21T10:00:00Z), a UTC date-time (2026-11-21T10:00), now, or -2h / -30m / -7d");
            }
        }
    }
}
