package io.rekey.audit;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code --name value} and {@code --flag} command-line arguments for the small mains of this module (demo traffic,
 * replay); the full CLI is {@code rekey}. Unknown flags are refused, naming the known ones.
 */
public final class Flags {

    private final Map<String, List<String>> values = new LinkedHashMap<>();

    private Flags() {
    }

    /**
     * @param valued  flags that take a value
     * @param switches flags that do not
     */
    public static Flags parse(String[] args, Set<String> valued, Set<String> switches) {
        Flags flags = new Flags();
        for (int i = 0; i < args.length; i++) {
            String arg = args[i];
            String name = arg.startsWith("--") ? arg.substring(2) : null;
            String inline = null;
            if (name != null && name.contains("=")) {
                inline = name.substring(name.indexOf('=') + 1);
                name = name.substring(0, name.indexOf('='));
            }
            if (name != null && switches.contains(name)) {
                flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add("true");
            } else if (name != null && valued.contains(name)) {
                String value = inline;
                if (value == null) {
                    if (i + 1 >= args.length) {
                        throw new IllegalArgumentException("--" + name + " needs a value");
                    }
                    value = args[++i];
                }
                flags.values.computeIfAbsent(name, k -> new ArrayList<>()).add(value);
            } else {
                List<String> known = new ArrayList<>();
                valued.forEach(v -> known.add("--" + v + " VALUE"));
                switches.forEach(s -> known.add("--" + s));
                throw new IllegalArgumentException("unknown argument '" + arg + "'; known: " + String.join(", ", known));
            }
        }
        return flags;
    }

    public boolean has(String name) {
        return values.containsKey(name);
    }

    /** The last value given, or the fallback. */
    public String get(String name, String fallback) {
        List<String> given = values.get(name);
        return given == null ? fallback : given.get(given.size() - 1);
    }

    public List<String> all(String name) {
        return values.getOrDefault(name, List.of());
    }

    public Duration duration(String name, Duration fallback) {
        String value = get(name, null);
        if (value == null) {
            return fallback;
        }
        try {
            return Duration.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--" + name + " must be an ISO-8601 duration such as PT30S, was '" + value + "'");
        }
    }

    public Instant instant(String name) {
        String value = get(name, null);
        if (value == null) {
            throw new IllegalArgumentException("--" + name + " is required (an instant such as 2026-11-21T09:00:00Z)");
        }
        try {
            return Instant.parse(value);
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("--" + name + " must be an instant such as 2026-11-21T09:00:00Z, was '" + value + "'");
        }
    }

    public double number(String name, double fallback) {
        String value = get(name, null);
        try {
            return value == null ? fallback : Double.parseDouble(value);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("--" + name + " must be a number, was '" + value + "'");
        }
    }

    /** A connection setting: the flag, else the environment variable, else the default. */
    public String setting(String name, String env, String fallback) {
        String fromEnv = System.getenv(env);
        return get(name, fromEnv == null || fromEnv.isBlank() ? fallback : fromEnv);
    }
}
