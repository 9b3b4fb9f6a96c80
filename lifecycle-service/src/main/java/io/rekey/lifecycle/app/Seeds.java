package io.rekey.lifecycle.app;

import io.rekey.lifecycle.config.Durations;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.lifecycle.registry.SpecValidator;
import io.rekey.lifecycle.registry.ValidationLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Secrets to register when the service starts and finds them missing: the dev stack's demo secrets. Each entry is
 * a registration body as the API takes it, plus {@code expiresIn} (for example {@code 45d}) for an expiry relative
 * to the start. Registration goes through the service like an API call, actor {@link #ACTOR}; an entry already
 * registered (by an earlier start or another instance) is left alone, so seeding is idempotent.
 */
public final class Seeds {

    public static final String ACTOR = "rekey-lifecycle-seed";
    private static final Logger LOG = LoggerFactory.getLogger(Seeds.class);

    private final List<Map<String, Object>> entries;

    private Seeds(List<Map<String, Object>> entries) {
        this.entries = List.copyOf(entries);
    }

    public static Seeds none() {
        return new Seeds(List.of());
    }

    /**
     * Checks every entry now, so a bad seed file stops the start with the entry and field named.
     *
     * @param source how to name the file in messages
     */
    public static Seeds of(List<Map<String, Object>> raw, ValidationLimits limits, Instant now, String source) {
        List<Map<String, Object>> entries = new ArrayList<>();
        SpecValidator validator = new SpecValidator(limits);
        for (int i = 0; i < raw.size(); i++) {
            Map<String, Object> body = resolve(raw.get(i), now, source + " entry " + i);
            SpecValidator.Result result = validator.validate(body, null, null, now);
            if (result instanceof SpecValidator.Result.Invalid invalid) {
                throw new IllegalStateException(source + " entry " + i + " (" + body.get("secretId") + ") is invalid: "
                        + String.join("; ", invalid.errors().stream().map(FieldError::message).toList()));
            }
            entries.add(raw.get(i));
        }
        return new Seeds(entries);
    }

    /** Registers the entries that are not registered yet; returns how many it registered. */
    public int apply(LifecycleService service, Instant now) {
        Objects.requireNonNull(service, "service must not be null");
        int registered = 0;
        for (Map<String, Object> entry : entries) {
            String secretId = String.valueOf(entry.get("secretId"));
            try {
                service.get(secretId);
                continue;
            } catch (LifecycleException.NotFound e) {
                // not there yet: register it
            }
            try {
                service.register(new Caller(ACTOR, null, null), resolve(entry, now, "seed " + secretId));
                registered++;
            } catch (LifecycleException.Conflict e) {
                LOG.info("seed secret {} not registered: {}", secretId, e.getMessage());
            }
        }
        return registered;
    }

    public int size() {
        return entries.size();
    }

    private static Map<String, Object> resolve(Map<String, Object> entry, Instant now, String where) {
        Map<String, Object> body = new LinkedHashMap<>(entry);
        Object expiresIn = body.remove("expiresIn");
        if (expiresIn != null) {
            body.put("expiresAt", now.plus(Durations.positive(where + " expiresIn", String.valueOf(expiresIn))).toString());
        }
        return body;
    }
}
