package io.rekey.lifecycle.registry;

import com.cronutils.model.time.ExecutionTime;
import io.rekey.lifecycle.schedule.RotationSchedule;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretType;
import io.rekey.schema.TargetKind;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Validates a registration or update request given as parsed JSON, collecting every problem with the field it
 * concerns and, for choices, the allowed values. Unknown fields are refused, so a typo in a security setting
 * ({@code rotateOnRegiser}) cannot pass silently. Pure.
 */
public final class SpecValidator {

    /** A secret id: path-like, no ':' (the HTTP API uses it for custom methods), no empty or dot segments. */
    public static final Pattern SECRET_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*(/[A-Za-z0-9][A-Za-z0-9._-]*)*");
    private static final int SECRET_ID_MAX = 200;
    private static final Pattern STORE_PATH = SECRET_ID;
    private static final Pattern DEPENDENT = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}");
    private static final Pattern TAG = Pattern.compile("[a-z0-9][a-z0-9._:-]{0,63}");
    private static final Pattern PARAM_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9._-]{0,63}");
    private static final Pattern CONTROL = Pattern.compile("\\p{Cntrl}");
    /** Parameter names that would hold credential material; targets reference credentials by secret id instead. */
    private static final List<String> CREDENTIAL_WORDS = List.of("password", "passwd", "pwd", "passphrase", "secret",
            "token", "privatekey", "private_key", "private-key", "apikey", "api_key", "api-key", "credential");
    private static final List<String> REFERENCE_SUFFIXES = List.of("secretid", "secretref", "keyid", "path", "ttl", "url",
            "name", "header", "role");
    private static final Set<TargetKind> USER_TARGETS = EnumSet.of(TargetKind.POSTGRESQL, TargetKind.MARIADB,
            TargetKind.REDIS, TargetKind.RABBITMQ);

    private static final Set<String> TOP_LEVEL = Set.of("secretId", "type", "owner", "description", "storePath", "target",
            "strategy", "rotationPolicy", "criticality", "category", "dependents", "tags", "expiresAt", "activate");
    private static final Set<String> TARGET_FIELDS = Set.of("kind", "params");
    private static final Set<String> POLICY_FIELDS = Set.of("intervalDays", "cron", "windowMinutes", "phaseOffsetMinutes",
            "rotateOnRegister", "gracePeriodSeconds");

    private static final int DEFAULT_WINDOW_MINUTES = 60;
    private static final int MAX_WINDOW_MINUTES = 1440;
    private static final int MAX_CRON_OFFSET_MINUTES = 7 * 1440;

    /** Outcome: the spec, or every problem found. */
    public sealed interface Result {
        record Valid(SecretSpec spec) implements Result { }

        record Invalid(List<FieldError> errors) implements Result {
            public Invalid {
                errors = List.copyOf(errors);
            }
        }
    }

    private final ValidationLimits limits;

    public SpecValidator(ValidationLimits limits) {
        this.limits = limits;
    }

    /**
     * @param body             the request body
     * @param pathSecretId     the id from the URL for an update (the body may omit it or must repeat it); null to
     *                         register, where the body must name it
     * @param keptExpiresAt    the current expiry on update: it may stay as it is even if it has passed; null to register
     * @param now              for checking that a new expiry lies in the future
     */
    public Result validate(Map<String, Object> body, String pathSecretId, Instant keptExpiresAt, Instant now) {
        Reader in = new Reader();
        if (body == null) {
            return new Result.Invalid(List.of(FieldError.of("(body)", "a JSON object is required")));
        }
        in.unknown(body, TOP_LEVEL, "");
        String secretId = secretId(in, body, pathSecretId);
        SecretType type = in.choice(body, "type", "type", SecretType.class, true);
        String owner = in.text(body, "owner", "owner", 200, true);
        if (owner != null && owner.isBlank()) {
            in.error("owner", "must not be blank (the team or person accountable for the secret)");
        }
        String description = in.text(body, "description", "description", 1000, false);
        String storePath = in.text(body, "storePath", "storePath", 500, true);
        if (storePath != null && !STORE_PATH.matcher(storePath).matches()) {
            in.error("storePath", "'" + storePath + "' is not a store path: segments of letters, digits, '.', '_' and '-' "
                    + "separated by '/', without empty or leading-dot segments");
        }
        Map<String, Object> target = in.object(body, "target", "target", true);
        TargetKind kind = null;
        Map<String, String> params = Map.of();
        if (target != null) {
            in.unknown(target, TARGET_FIELDS, "target.");
            kind = in.choice(target, "kind", "target.kind", TargetKind.class, true);
            params = params(in, target);
        }
        RotationStrategy strategy = in.choice(body, "strategy", "strategy", RotationStrategy.class, true);
        checkStrategy(in, strategy, kind, type);
        SecretSpec.PolicySpec policy = policy(in, in.object(body, "rotationPolicy", "rotationPolicy", false));
        Criticality criticality = in.choice(body, "criticality", "criticality", Criticality.class, true);
        Category category = in.choice(body, "category", "category", Category.class, true);
        List<String> dependents = in.strings(body, "dependents", "dependents", 200, DEPENDENT,
                "a service name of letters, digits and . _ : / @ -", false);
        List<String> tags = in.strings(body, "tags", "tags", 50, TAG,
                "lower-case letters, digits and . _ : - (for example honeytoken, drill, pci)", true);
        Instant expiresAt = expiresAt(in, body, keptExpiresAt, now);
        Boolean activate = in.bool(body, "activate", "activate");
        if (activate != null && pathSecretId != null) {
            in.error("activate", "only applies to registration; use :activate to activate a registered secret");
        }
        if (!in.errors.isEmpty()) {
            return new Result.Invalid(in.errors);
        }
        return new Result.Valid(new SecretSpec(secretId, type, owner.trim(), description, storePath, kind, params, strategy,
                policy, criticality, category, dependents, tags, expiresAt, activate == null || activate));
    }

    private static String secretId(Reader in, Map<String, Object> body, String pathSecretId) {
        String secretId = in.text(body, "secretId", "secretId", SECRET_ID_MAX, pathSecretId == null);
        if (pathSecretId != null) {
            if (secretId != null && !secretId.equals(pathSecretId)) {
                in.error("secretId", "'" + secretId + "' differs from the id in the URL '" + pathSecretId
                        + "'; a secret id cannot change (register a new secret)");
            }
            return pathSecretId;
        }
        if (secretId != null && !SECRET_ID.matcher(secretId).matches()) {
            in.error("secretId", "'" + secretId + "' is not a secret id: segments of letters, digits, '.', '_' and '-' "
                    + "separated by '/', each starting with a letter or digit (for example db/orders)");
        }
        return secretId;
    }

    private static Map<String, String> params(Reader in, Map<String, Object> target) {
        Map<String, Object> raw = in.object(target, "params", "target.params", false);
        Map<String, String> params = new LinkedHashMap<>();
        if (raw == null) {
            return params;
        }
        if (raw.size() > 50) {
            in.error("target.params", "has " + raw.size() + " entries; at most 50 are allowed");
        }
        for (Map.Entry<String, Object> e : raw.entrySet()) {
            String field = "target.params." + e.getKey();
            if (!PARAM_NAME.matcher(e.getKey()).matches()) {
                in.error(field, "is not a parameter name (a letter, then letters, digits, '.', '_' or '-')");
                continue;
            }
            if (looksLikeCredential(e.getKey())) {
                in.error(field, "looks like a credential; target parameters hold connection details only: "
                        + "reference a credential by the id of another secret (for example adminSecretId)");
                continue;
            }
            Object value = e.getValue();
            if (!(value instanceof String) && !(value instanceof Number) && !(value instanceof Boolean)) {
                in.error(field, "must be a string, number or boolean");
                continue;
            }
            String text = value.toString();
            if (text.length() > 1000 || CONTROL.matcher(text).find()) {
                in.error(field, "must be at most 1000 characters without control characters");
            } else if (text.contains("-----BEGIN")) {
                in.error(field, "holds PEM key material; rekey never stores credentials in the registry");
            } else {
                params.put(e.getKey(), text);
            }
        }
        if (params.containsKey("port")) {
            String port = params.get("port");
            if (!port.matches("\\d{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65535) {
                in.error("target.params.port", "'" + port + "' is not a TCP port (1 to 65535)");
            }
        }
        return params;
    }

    static boolean looksLikeCredential(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (String suffix : REFERENCE_SUFFIXES) {
            if (lower.endsWith(suffix)) {
                return false;
            }
        }
        for (String word : CREDENTIAL_WORDS) {
            if (lower.contains(word)) {
                return true;
            }
        }
        return false;
    }

    private static void checkStrategy(Reader in, RotationStrategy strategy, TargetKind kind, SecretType type) {
        if (strategy == RotationStrategy.DUAL_KEY && kind != null && kind != TargetKind.JWT_SIGNING_KEY
                && type != SecretType.JWT_SIGNING_KEY) {
            in.error("strategy", "DUAL_KEY publishes a new signing key before it signs; it needs target.kind JWT_SIGNING_KEY, not " + kind);
        }
        if (strategy == RotationStrategy.ALTERNATING_USERS && kind != null && !USER_TARGETS.contains(kind)) {
            in.error("strategy", "ALTERNATING_USERS needs a target with users, one of " + names(USER_TARGETS) + ", not " + kind);
        }
    }

    private SecretSpec.PolicySpec policy(Reader in, Map<String, Object> policy) {
        if (policy == null) {
            return new SecretSpec.PolicySpec(null, null, DEFAULT_WINDOW_MINUTES, 0, false, null);
        }
        in.unknown(policy, POLICY_FIELDS, "rotationPolicy.");
        Long interval = in.integer(policy, "intervalDays", "rotationPolicy.intervalDays");
        String cron = in.text(policy, "cron", "rotationPolicy.cron", 200, false);
        Long window = in.integer(policy, "windowMinutes", "rotationPolicy.windowMinutes");
        Long offset = in.integer(policy, "phaseOffsetMinutes", "rotationPolicy.phaseOffsetMinutes");
        Boolean onRegister = in.bool(policy, "rotateOnRegister", "rotationPolicy.rotateOnRegister");
        Long grace = in.integer(policy, "gracePeriodSeconds", "rotationPolicy.gracePeriodSeconds");
        if (cron != null && cron.isBlank()) {
            cron = null;
        }
        if (interval != null && cron != null) {
            in.error("rotationPolicy", "set either intervalDays or cron, not both");
        }
        if (interval != null && (interval < limits.minIntervalDays() || interval > limits.maxIntervalDays())) {
            in.error("rotationPolicy.intervalDays", interval + " is out of range; allowed " + limits.minIntervalDays()
                    + " to " + limits.maxIntervalDays() + " days");
        }
        int windowMinutes = window == null ? DEFAULT_WINDOW_MINUTES : clamp(window);
        if (windowMinutes < 1 || windowMinutes > MAX_WINDOW_MINUTES) {
            in.error("rotationPolicy.windowMinutes", window + " is out of range; allowed 1 to " + MAX_WINDOW_MINUTES + " minutes");
        }
        Duration cronGap = cron == null ? null : cronGap(in, cron.trim());
        if (cronGap != null && windowMinutes >= cronGap.toMinutes()) {
            in.error("rotationPolicy.windowMinutes", windowMinutes + " minutes is not shorter than the gap between cron times ("
                    + cronGap.toMinutes() + " minutes); windows would overlap");
        }
        int offsetMinutes = offset == null ? 0 : clamp(offset);
        boolean intervalValid = interval != null && interval >= limits.minIntervalDays() && interval <= limits.maxIntervalDays();
        long maxOffset = intervalValid ? interval * 1440 - 1 : MAX_CRON_OFFSET_MINUTES;
        if (offset != null && (offsetMinutes < 0 || offsetMinutes > maxOffset)) {
            in.error("rotationPolicy.phaseOffsetMinutes", offset + " is out of range; allowed 0 to " + maxOffset
                    + " minutes" + (intervalValid ? " (less than the interval)" : ""));
        }
        if (grace != null && (grace < 0 || grace > limits.maxGracePeriod().toSeconds())) {
            in.error("rotationPolicy.gracePeriodSeconds", grace + " is out of range; allowed 0 to "
                    + limits.maxGracePeriod().toSeconds() + " seconds");
        }
        if (Boolean.TRUE.equals(onRegister) && interval == null && cron == null) {
            in.error("rotationPolicy.rotateOnRegister", "needs a schedule (intervalDays or cron); to rotate a manual-only "
                    + "secret, use :rotate after registering it");
        }
        return new SecretSpec.PolicySpec(interval == null ? null : interval.intValue(), cron == null ? null : cron.trim(),
                windowMinutes, offsetMinutes, Boolean.TRUE.equals(onRegister), grace);
    }

    /** A number of minutes as an int; -1 (out of every range) when it does not fit. */
    private static int clamp(long minutes) {
        return minutes < 0 || minutes > Integer.MAX_VALUE ? -1 : (int) minutes;
    }

    /** The shortest gap between consecutive cron times over the next year, or null (and an error) if the cron is bad. */
    private Duration cronGap(Reader in, String cron) {
        String field = "rotationPolicy.cron";
        if (cron.split("\\s+").length != 5) {
            in.error(field, "'" + cron + "' is not a 5-field Unix cron expression (minute hour day-of-month month day-of-week, in UTC)");
            return null;
        }
        ExecutionTime times;
        try {
            times = RotationSchedule.CronTimes.of(cron);
        } catch (RuntimeException e) {
            in.error(field, "'" + cron + "' is not a valid 5-field Unix cron expression (minute hour day-of-month month "
                    + "day-of-week, in UTC): " + e.getMessage());
            return null;
        }
        ZonedDateTime t = ZonedDateTime.of(2030, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC);
        Duration shortest = null;
        Optional<ZonedDateTime> previous = times.nextExecution(t);
        if (previous.isEmpty()) {
            in.error(field, "'" + cron + "' never fires");
            return null;
        }
        for (int i = 0; i < 400; i++) {
            Optional<ZonedDateTime> next = times.nextExecution(previous.get());
            if (next.isEmpty()) {
                break;
            }
            Duration gap = Duration.between(previous.get(), next.get());
            shortest = shortest == null || gap.compareTo(shortest) < 0 ? gap : shortest;
            previous = next;
        }
        if (shortest != null && shortest.compareTo(limits.minCronGap()) < 0) {
            in.error(field, "'" + cron + "' fires every " + shortest.toMinutes() + " minutes; rotations must be at least "
                    + limits.minCronGap().toMinutes() + " minutes apart");
        }
        return shortest;
    }

    private static Instant expiresAt(Reader in, Map<String, Object> body, Instant kept, Instant now) {
        String text = in.text(body, "expiresAt", "expiresAt", 40, false);
        if (text == null) {
            return null;
        }
        Instant expiresAt;
        try {
            expiresAt = Instant.parse(text);
        } catch (DateTimeParseException e) {
            in.error("expiresAt", "'" + text + "' is not an ISO-8601 UTC time such as 2027-01-31T00:00:00Z");
            return null;
        }
        if (!expiresAt.isAfter(now) && !expiresAt.equals(kept)) {
            in.error("expiresAt", expiresAt + " is not in the future");
        }
        return expiresAt;
    }

    static List<String> names(Set<? extends Enum<?>> values) {
        return values.stream().map(Enum::name).sorted().toList();
    }

    /** Typed reads from parsed JSON that record an error instead of throwing. */
    private static final class Reader {
        final List<FieldError> errors = new ArrayList<>();

        void error(String field, String message) {
            errors.add(FieldError.of(field, message));
        }

        void unknown(Map<String, Object> object, Set<String> known, String prefix) {
            for (String key : object.keySet()) {
                if (!known.contains(key)) {
                    errors.add(new FieldError(prefix + key, prefix + key + ": unknown field; known fields are "
                            + known.stream().sorted().toList(), known.stream().sorted().toList()));
                }
            }
        }

        String text(Map<String, Object> object, String key, String field, int max, boolean required) {
            Object value = object.get(key);
            if (value == null) {
                if (required) {
                    error(field, "is required");
                }
                return null;
            }
            if (!(value instanceof String s)) {
                error(field, "must be a string");
                return null;
            }
            if (s.length() > max) {
                error(field, "is " + s.length() + " characters long; at most " + max + " are allowed");
                return null;
            }
            if (CONTROL.matcher(s).find()) {
                error(field, "must not contain control characters");
                return null;
            }
            return s;
        }

        Long integer(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Number n && n.doubleValue() == Math.rint(n.doubleValue())
                    && Math.abs(n.doubleValue()) < 1e15) {
                return n.longValue();
            }
            error(field, "must be a whole number, was " + value);
            return null;
        }

        Boolean bool(Map<String, Object> object, String key, String field) {
            Object value = object.get(key);
            if (value == null) {
                return null;
            }
            if (value instanceof Boolean b) {
                return b;
            }
            error(field, "must be true or false");
            return null;
        }

        @SuppressWarnings("unchecked")
        Map<String, Object> object(Map<String, Object> object, String key, String field, boolean required) {
            Object value = object.get(key);
            if (value == null) {
                if (required) {
                    error(field, "is required");
                }
                return null;
            }
            if (!(value instanceof Map<?, ?>)) {
                error(field, "must be a JSON object");
                return null;
            }
            return (Map<String, Object>) value;
        }

        <E extends Enum<E>> E choice(Map<String, Object> object, String key, String field, Class<E> type, boolean required) {
            List<String> allowed = Arrays.stream(type.getEnumConstants()).map(Enum::name).filter(n -> !"UNKNOWN".equals(n)).toList();
            Object value = object.get(key);
            if (value == null) {
                if (required) {
                    errors.add(new FieldError(field, field + ": is required; allowed values: " + String.join(", ", allowed), allowed));
                }
                return null;
            }
            String text = value.toString().trim().toUpperCase(Locale.ROOT);
            if (!(value instanceof String) || !allowed.contains(text)) {
                errors.add(new FieldError(field, field + ": unknown " + field.substring(field.lastIndexOf('.') + 1) + " '" + value
                        + "'; allowed values: " + String.join(", ", allowed), allowed));
                return null;
            }
            return Enum.valueOf(type, text);
        }

        List<String> strings(Map<String, Object> object, String key, String field, int maxItems, Pattern pattern,
                             String describe, boolean lowerCase) {
            Object value = object.get(key);
            if (value == null) {
                return List.of();
            }
            if (!(value instanceof List<?> list)) {
                error(field, "must be a JSON array of strings");
                return List.of();
            }
            if (list.size() > maxItems) {
                error(field, "has " + list.size() + " items; at most " + maxItems + " are allowed");
                return List.of();
            }
            Set<String> out = new LinkedHashSet<>();
            for (int i = 0; i < list.size(); i++) {
                Object item = list.get(i);
                String text = item instanceof String s ? (lowerCase ? s.trim().toLowerCase(Locale.ROOT) : s.trim()) : null;
                if (text == null || !pattern.matcher(text).matches()) {
                    error(field + "[" + i + "]", "'" + item + "' is not valid: " + describe);
                } else {
                    out.add(text);
                }
            }
            return List.copyOf(out);
        }
    }
}
