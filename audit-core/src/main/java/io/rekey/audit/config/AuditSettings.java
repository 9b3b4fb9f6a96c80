package io.rekey.audit.config;

import io.rekey.schema.AnomalyType;

import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The {@code rekey.audit.*} settings: every key with its environment variable, default and meaning, in one table,
 * and the parser that turns values into an {@link AuditConfig}, refusing bad ones with a message that names the key
 * and its environment variable. application.yml lists exactly these keys (a test checks it), so the reference
 * documentation can be generated from {@link #ALL}.
 *
 * <p>Lists are comma-separated strings, so they can be set from one environment variable. Durations are ISO-8601
 * ({@code PT10M}, {@code P15D}) or a number with a unit ({@code 500ms}, {@code 30s}, {@code 10m}, {@code 2h}, {@code 15d}).
 */
public final class AuditSettings {

    public static final String PREFIX = "rekey.audit.";

    /** One setting: its key below {@code rekey.audit.}, default value and meaning. */
    public record Setting(String name, String defaultValue, String description) {
        public String key() {
            return PREFIX + name;
        }

        /** The environment variable that overrides it: REKEY_AUDIT_ then the name in upper case with _ for . and -. */
        public String env() {
            return "REKEY_AUDIT_" + name.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
        }
    }

    private static final Map<String, Setting> TABLE = new LinkedHashMap<>();

    static {
        add("application-id", "rekey-audit-stream", "Kafka Streams application id: consumer group, prefix of internal topics and state");
        add("grace", "PT5M", "how far behind the partition's stream time an event may arrive and still count in windows; later ones are audited and counted, not detected on");
        add("max-future-skew", "PT5M", "events whose occurredAt lies further after the clock are dead-lettered (they would drag stream time along)");
        add("max-event-age", "P7D", "events whose occurredAt lies further behind the partition's stream time are dead-lettered");
        add("cooldown", "PT15M", "repeats of the same (principal, type) within this time are suppressed and counted on the next anomaly");
        add("learning-period", "P1D", "a principal is observed this long before first-seen and unusual-location findings are reported for it");
        add("evidence-limit", "20", "most access event ids listed as evidence in one anomaly");
        add("audit-log.enabled", "true", "append every access, lifecycle and rotation event to the hash-chained audit log");
        add("ecs-output.enabled", "false", "also write each anomaly as an ECS JSON line");
        add("ecs-output.topic", TopicNames.DEFAULT_ANOMALIES_ECS, "topic of the ECS JSON lines (created with 6 partitions if missing)");
        add("streams.threads", "1", "stream threads of this instance");
        add("streams.state-dir", "", "local state directory; empty keeps Kafka's default");
        add("streams.commit-interval", "PT0.1S", "commit interval: under exactly-once, output becomes visible to read_committed consumers at each commit");
        add("streams.cache-max-bytes", "16777216", "state store cache; it only coalesces store writes here, it never delays an anomaly");
        add("streams.replication-factor", "-1", "replication of internal topics; -1 uses the broker default");
        add("streams.standby-replicas", "0", "warm standby copies of each state store on other instances, for fast fail-over");
        for (AnomalyType type : detectorTypes()) {
            String d = detectorName(type);
            add(d + ".enabled", "true", "run the " + d + " detector");
            add(d + ".allow-principals", "", "principals (ids, or prefixes ending in *) the " + d + " detector never reports");
            add(d + ".cooldown", "", "cool-down of " + d + " findings; empty uses rekey.audit.cooldown");
            addSpecific(type);
        }
    }

    /** Every setting, in documentation order. */
    public static final List<Setting> ALL = List.copyOf(TABLE.values());

    private static final Pattern SHORT_DURATION = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

    private AuditSettings() {
    }

    /** The detectors, in the order they are documented. */
    public static List<AnomalyType> detectorTypes() {
        return Arrays.stream(AnomalyType.values()).filter(t -> t != AnomalyType.UNKNOWN).toList();
    }

    /** The detector's name in settings and rules: EXCESSIVE_ACCESS is excessive-access. */
    public static String detectorName(AnomalyType type) {
        return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
    }

    /** Parses full keys ({@code rekey.audit.grace}); absent or blank keys take their default. */
    public static AuditConfig parse(Map<String, String> values) {
        Objects.requireNonNull(values, "values must not be null");
        for (String key : values.keySet()) {
            if (key.startsWith(PREFIX) && !TABLE.containsKey(key.substring(PREFIX.length()))) {
                throw new IllegalArgumentException("unknown setting " + key + "; known settings: "
                        + String.join(", ", ALL.stream().map(Setting::key).toList()));
            }
        }
        return parse(values::get);
    }

    /** Parses with a lookup of full keys that returns null for a key that is not set. */
    public static AuditConfig parse(Function<String, String> lookup) {
        return new Reader(lookup).config();
    }

    /** The settings only one detector has, listed right after its common ones. */
    private static void addSpecific(AnomalyType type) {
        switch (type) {
            case EXCESSIVE_ACCESS -> {
                add("excessive-access.threshold", "20", "distinct secrets read by one principal within the window that fire");
                add("excessive-access.window", "PT10M", "sliding window of excessive-access");
            }
            case FAILED_ATTEMPTS -> {
                add("failed-attempts.threshold", "5", "failed or denied accesses by one principal within the window that fire");
                add("failed-attempts.window", "PT5M", "sliding window of failed-attempts");
            }
            case FIRST_SEEN -> {
                add("first-seen.lookback", "P15D", "a (principal, secret) pair not seen for this long counts as first seen");
            }
            case UNUSUAL_TIME -> {
                add("unusual-time.schedules", "", "working hours, PRINCIPAL=DAYS HH:MM-HH:MM [ZONE] entries, for example alice@example.com=MON-FRI 08:00-18:00 Europe/London");
                add("unusual-time.baseline-min-history", "P14D", "principals without working hours are judged against their learned hour-of-week baseline once observed this long");
                add("unusual-time.baseline-min-events", "50", "and once they have this many events");
                add("unusual-time.baseline-tolerance-hours", "1", "hours either side of a usual hour of the week that still count as usual");
            }
            case UNUSUAL_LOCATION -> {
                add("unusual-location.lookback", "P30D", "a country not seen for the principal for this long is unusual");
            }
            case GEOGRAPHIC_VIOLATION -> {
                add("geographic-violation.allowed-countries", "GB,IE,DE,FR,NL", "ISO 3166-1 alpha-2 countries access may come from");
            }
            case IP_RANGE_VIOLATION -> {
                add("ip-range-violation.allowed-cidrs", "10.0.0.0/8,172.16.0.0/12,192.168.0.0/16", "networks (IPv4 or IPv6 CIDR) access may come from");
            }
            case CONCURRENT_ACCESS -> {
                add("concurrent-access.threshold", "3", "distinct source addresses of one principal within the window that fire");
                add("concurrent-access.window", "PT1M", "sliding window of concurrent-access");
            }
            case PRIVILEGE_ESCALATION -> {
                add("privilege-escalation.admins", "", "principals allowed to change policy and grant access (ids or prefixes ending in *)");
                add("privilege-escalation.grant-use-window", "PT15M", "a self-grant, or a grant by a non-admin, used within this time is an escalation");
            }
            case HONEYTOKEN -> {
                add("honeytoken.tag", "honeytoken", "registry tag that marks a secret as a honeytoken");
            }
            case SUSPICIOUS_PATTERN -> {
                add("suspicious-pattern.threshold", "10", "distinct secrets read after a LIST within the window that fire");
                add("suspicious-pattern.window", "PT5M", "window after a LIST");
            }
            default -> {
            }
        }
    }

    private static void add(String name, String defaultValue, String description) {
        TABLE.put(name, new Setting(name, defaultValue, description));
    }

    /** Reads and validates one key at a time, so every message names the key it is about. */
    private static final class Reader {
        private final Function<String, String> lookup;

        Reader(Function<String, String> lookup) {
            this.lookup = Objects.requireNonNull(lookup, "lookup must not be null");
        }

        AuditConfig config() {
            Map<AnomalyType, DetectorSettings> detectors = new EnumMap<>(AnomalyType.class);
            for (AnomalyType type : detectorTypes()) {
                detectors.put(type, detector(type));
            }
            String ecsTopic = text("ecs-output.topic");
            if (ecsTopic.isEmpty()) {
                throw invalid("ecs-output.topic", "", "a topic name");
            }
            int evidenceLimit = integer("evidence-limit", 1, 1000);
            Duration grace = duration("grace", false);
            Duration cooldown = duration("cooldown", true);
            return new AuditConfig(nonBlank("application-id"), TopicNames.catalogue().withAnomaliesEcs(ecsTopic), grace,
                    duration("max-future-skew", false), duration("max-event-age", false), cooldown,
                    duration("learning-period", true), evidenceLimit, detectors,
                    WorkingHours.of(describe("unusual-time.schedules"), list("unusual-time.schedules")),
                    duration("unusual-time.baseline-min-history", true), integer("unusual-time.baseline-min-events", 1, Integer.MAX_VALUE),
                    integer("unusual-time.baseline-tolerance-hours", 0, 12), countries(),
                    CidrAllowList.of(describe("ip-range-violation.allowed-cidrs"), list("ip-range-violation.allowed-cidrs")),
                    PrincipalMatcher.of(describe("privilege-escalation.admins"), list("privilege-escalation.admins")),
                    nonBlank("honeytoken.tag"), bool("audit-log.enabled"), bool("ecs-output.enabled"),
                    new StreamsTuning(integer("streams.threads", 1, 64), blankToNull(text("streams.state-dir")),
                            duration("streams.commit-interval", false), longInteger("streams.cache-max-bytes"),
                            replicationFactor(), integer("streams.standby-replicas", 0, 10)));
        }

        private DetectorSettings detector(AnomalyType type) {
            String d = detectorName(type);
            PrincipalMatcher allow = PrincipalMatcher.of(describe(d + ".allow-principals"), list(d + ".allow-principals"));
            Duration cooldown = text(d + ".cooldown").isEmpty() ? null : duration(d + ".cooldown", true);
            int threshold = 1;
            Duration window = Duration.ZERO;
            if (TABLE.containsKey(d + ".threshold")) {
                threshold = integer(d + ".threshold", 1, 10_000);
                window = duration(d + ".window", false);
            } else if (TABLE.containsKey(d + ".lookback")) {
                window = duration(d + ".lookback", false);
            } else if (type == AnomalyType.PRIVILEGE_ESCALATION) {
                window = duration(d + ".grant-use-window", false);
            }
            return new DetectorSettings(bool(d + ".enabled"), allow, cooldown, threshold, window);
        }

        private Set<String> countries() {
            String name = "geographic-violation.allowed-countries";
            Set<String> codes = new LinkedHashSet<>();
            for (String code : list(name)) {
                String upper = code.toUpperCase(Locale.ROOT);
                if (!upper.matches("[A-Z]{2}")) {
                    throw invalid(name, code, "ISO 3166-1 alpha-2 country codes such as GB or DE");
                }
                codes.add(upper);
            }
            return codes;
        }

        private int replicationFactor() {
            int rf = integer("streams.replication-factor", -1, 32);
            if (rf == 0) {
                throw invalid("streams.replication-factor", "0", "-1 (broker default) or at least 1");
            }
            return rf;
        }

        private String text(String name) {
            String value = lookup.apply(PREFIX + name);
            if (value == null || value.isBlank()) {
                value = TABLE.get(name).defaultValue();
            }
            return value.trim();
        }

        private String nonBlank(String name) {
            String value = text(name);
            if (value.isEmpty()) {
                throw invalid(name, value, "a non-empty value");
            }
            return value;
        }

        private List<String> list(String name) {
            String value = text(name);
            if (value.isEmpty()) {
                return List.of();
            }
            List<String> items = new ArrayList<>();
            for (String item : value.split(",")) {
                if (!item.isBlank()) {
                    items.add(item.trim());
                }
            }
            return Collections.unmodifiableList(items);
        }

        private boolean bool(String name) {
            String value = text(name).toLowerCase(Locale.ROOT);
            if (!value.equals("true") && !value.equals("false")) {
                throw invalid(name, value, "true or false");
            }
            return Boolean.parseBoolean(value);
        }

        private int integer(String name, int min, int max) {
            String value = text(name);
            try {
                int n = Integer.parseInt(value);
                if (n < min || n > max) {
                    throw invalid(name, value, "a whole number from " + min + " to " + max);
                }
                return n;
            } catch (NumberFormatException e) {
                throw invalid(name, value, "a whole number from " + min + " to " + max);
            }
        }

        private long longInteger(String name) {
            String value = text(name);
            try {
                long n = Long.parseLong(value);
                if (n < 0) {
                    throw invalid(name, value, "a number of bytes, 0 or more");
                }
                return n;
            } catch (NumberFormatException e) {
                throw invalid(name, value, "a number of bytes, 0 or more");
            }
        }

        private Duration duration(String name, boolean zeroAllowed) {
            String value = text(name);
            Duration duration;
            Matcher m = SHORT_DURATION.matcher(value);
            try {
                if (m.matches()) {
                    long n = Long.parseLong(m.group(1));
                    duration = switch (m.group(2)) {
                        case "ms" -> Duration.ofMillis(n);
                        case "s" -> Duration.ofSeconds(n);
                        case "m" -> Duration.ofMinutes(n);
                        case "h" -> Duration.ofHours(n);
                        default -> Duration.ofDays(n);
                    };
                } else {
                    duration = Duration.parse(value);
                }
            } catch (DateTimeParseException | ArithmeticException e) {
                throw invalid(name, value, "a duration such as PT10M, P15D, 30s or 10m");
            }
            if (duration.isNegative() || (!zeroAllowed && duration.isZero())) {
                throw invalid(name, value, zeroAllowed ? "a duration of zero or more" : "a positive duration");
            }
            return duration;
        }

        private static String blankToNull(String value) {
            return value.isEmpty() ? null : value;
        }

        private static String describe(String name) {
            Setting setting = TABLE.get(name);
            return setting.key() + " (" + setting.env() + ")";
        }

        private static IllegalArgumentException invalid(String name, String value, String expected) {
            return new IllegalArgumentException(describe(name) + " must be " + expected + ", was '" + value + "'");
        }
    }
}
