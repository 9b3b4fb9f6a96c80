package io.rekey.audit.config;

import java.time.DateTimeException;
import java.time.DayOfWeek;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.zone.ZoneRules;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Configured working hours per principal: entries {@code PRINCIPAL=DAYS HH:MM-HH:MM [ZONE]}, for example
 * {@code alice@example.com=MON-FRI 08:00-18:00 Europe/London} or {@code ops-*=MON-SUN 22:00-06:00 UTC} (a range
 * that ends before it starts runs past midnight into the next day). PRINCIPAL is an id, a prefix ending in
 * {@code *}, or {@code *}; the most specific pattern wins, and several entries for one pattern add up.
 *
 * <p>Parsed once at start-up; a lookup is a hash lookup and arithmetic on the epoch, no date objects.
 */
public final class WorkingHours {

    public static final WorkingHours NONE = new WorkingHours(List.of(), Map.of(), List.of());

    private static final Pattern ENTRY = Pattern.compile(
            "\\s*([^=\\s]+)\\s*=\\s*([A-Za-z]{3})(?:-([A-Za-z]{3}))?\\s+(\\d{1,2}):(\\d{2})-(\\d{1,2}):(\\d{2})(?:\\s+(\\S+))?\\s*");

    private final List<String> entries;
    private final Map<String, Schedule> exact;
    /** Prefix patterns, longest first, so the most specific wins. */
    private final List<Map.Entry<String, Schedule>> prefixes;

    private WorkingHours(List<String> entries, Map<String, Schedule> exact, List<Map.Entry<String, Schedule>> prefixes) {
        this.entries = List.copyOf(entries);
        this.exact = exact;
        this.prefixes = prefixes;
    }

    /** One time window on some days of the week, in one zone. Minutes are minutes of the day. */
    record Window(int firstDay, int lastDay, int startMinute, int endMinute, ZoneRules zone) {

        boolean contains(long epochMillis) {
            long epochSecond = Math.floorDiv(epochMillis, 1000);
            int offset = zone.getOffset(Instant.ofEpochSecond(epochSecond)).getTotalSeconds();
            long localSecond = epochSecond + offset;
            long epochDay = Math.floorDiv(localSecond, 86_400);
            int minute = Math.floorMod(localSecond, 86_400) / 60;
            // 1970-01-01 was a Thursday: day index 0 = Monday.
            int day = Math.floorMod(epochDay + 3, 7);
            if (startMinute < endMinute) {
                return onDay(day) && minute >= startMinute && minute < endMinute;
            }
            // Overnight: the evening part belongs to the listed day, the morning part to the day after it.
            return (onDay(day) && minute >= startMinute) || (onDay(Math.floorMod(day - 1, 7)) && minute < endMinute);
        }

        private boolean onDay(int day) {
            return firstDay <= lastDay ? day >= firstDay && day <= lastDay : day >= firstDay || day <= lastDay;
        }
    }

    /** The windows that apply to one principal. */
    public static final class Schedule {
        private final List<Window> windows = new ArrayList<>();

        /** Whether the instant falls inside any window. */
        public boolean contains(long epochMillis) {
            for (Window window : windows) {
                if (window.contains(epochMillis)) {
                    return true;
                }
            }
            return false;
        }
    }

    /**
     * @param setting the configuration key, named in error messages
     */
    public static WorkingHours of(String setting, List<String> entries) {
        if (entries.isEmpty()) {
            return NONE;
        }
        Map<String, Schedule> byPattern = new LinkedHashMap<>();
        for (String entry : entries) {
            Matcher m = ENTRY.matcher(entry);
            if (!m.matches()) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' is not PRINCIPAL=DAYS HH:MM-HH:MM [ZONE], "
                        + "for example alice@example.com=MON-FRI 08:00-18:00 Europe/London");
            }
            String pattern = m.group(1);
            PrincipalMatcher.of(setting, List.of(pattern));
            int first = day(setting, entry, m.group(2));
            int last = m.group(3) == null ? first : day(setting, entry, m.group(3));
            int start = minute(setting, entry, m.group(4), m.group(5));
            int end = minute(setting, entry, m.group(6), m.group(7));
            if (start == end) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' has an empty time range");
            }
            ZoneRules zone;
            try {
                zone = m.group(8) == null ? ZoneOffset.UTC.getRules() : ZoneId.of(m.group(8)).getRules();
            } catch (DateTimeException e) {
                throw new IllegalArgumentException(setting + ": '" + entry + "' names an unknown time zone " + m.group(8)
                        + " (use a region such as Europe/London, or UTC)", e);
            }
            byPattern.computeIfAbsent(pattern, p -> new Schedule()).windows.add(new Window(first, last, start, end, zone));
        }
        Map<String, Schedule> exact = new HashMap<>();
        List<Map.Entry<String, Schedule>> prefixes = new ArrayList<>();
        byPattern.forEach((pattern, schedule) -> {
            if (pattern.endsWith("*")) {
                prefixes.add(Map.entry(pattern.substring(0, pattern.length() - 1), schedule));
            } else {
                exact.put(pattern, schedule);
            }
        });
        prefixes.sort(Comparator.comparingInt((Map.Entry<String, Schedule> e) -> e.getKey().length()).reversed());
        return new WorkingHours(entries, exact, List.copyOf(prefixes));
    }

    /** The schedule of a principal, or {@code null} when none is configured for it. */
    public Schedule forPrincipal(String principal) {
        Schedule schedule = exact.get(principal);
        if (schedule != null) {
            return schedule;
        }
        for (Map.Entry<String, Schedule> prefix : prefixes) {
            if (principal.startsWith(prefix.getKey())) {
                return prefix.getValue();
            }
        }
        return null;
    }

    public boolean isEmpty() {
        return entries.isEmpty();
    }

    public List<String> entries() {
        return entries;
    }

    private static int day(String setting, String entry, String name) {
        try {
            return dayOfWeek(name).getValue() - 1;
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(setting + ": '" + entry + "' names an unknown day " + name
                    + " (use MON, TUE, WED, THU, FRI, SAT, SUN)", e);
        }
    }

    private static DayOfWeek dayOfWeek(String name) {
        String upper = name.toUpperCase(Locale.ROOT);
        for (DayOfWeek day : DayOfWeek.values()) {
            if (day.name().startsWith(upper)) {
                return day;
            }
        }
        throw new IllegalArgumentException(name);
    }

    private static int minute(String setting, String entry, String hours, String minutes) {
        int h = Integer.parseInt(hours);
        int m = Integer.parseInt(minutes);
        if (h > 24 || m > 59 || (h == 24 && m != 0)) {
            throw new IllegalArgumentException(setting + ": '" + entry + "' has a time outside 00:00-24:00");
        }
        return h * 60 + m;
    }

    @Override
    public String toString() {
        return String.join(",", entries);
    }
}
