package io.rekey.lifecycle.app;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;

import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * The API's entries in the access log ({@code rekey.access.events}): refusals (401, 403) and changes, so the audit
 * stream can chain them and detect, for example, failed attempts or a policy change by a principal without the
 * right. Reads of registry metadata are not logged here: they reveal no secret value.
 */
public final class AccessAudit {

    /** Principal of a call without a valid token. */
    public static final String ANONYMOUS = "anonymous";
    private static final int MAX_TEXT = 256;

    private final Consumer<AccessEvent> sink;
    private final Clock clock;

    public AccessAudit(Consumer<AccessEvent> sink, Clock clock) {
        this.sink = Objects.requireNonNull(sink, "sink must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** A change the caller made. */
    public void changed(Caller caller, String secretId, AccessAction action, String operation) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("service", "lifecycle-service");
        details.put("operation", operation);
        sink.accept(event(caller.subject(), secretId, action, AccessResult.SUCCESS, caller.sourceIp(), caller.userAgent(), details));
    }

    /**
     * A call refused before it reached the service.
     *
     * @param principal token subject, or {@link #ANONYMOUS}
     * @param details   status, method, path and why (never the token)
     */
    public void denied(String principal, String secretId, AccessAction action, String sourceIp, String userAgent,
                       Map<String, String> details) {
        Map<String, String> all = new LinkedHashMap<>();
        all.put("service", "lifecycle-service");
        details.forEach((k, v) -> all.put(k, truncate(v)));
        sink.accept(event(principal, secretId, action, AccessResult.DENIED, sourceIp, userAgent, all));
    }

    private AccessEvent event(String principal, String secretId, AccessAction action, AccessResult outcome,
                              String sourceIp, String userAgent, Map<String, String> details) {
        return AccessEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant())
                .setPrincipalId(truncate(principal))
                .setSecretId(truncate(secretId))
                .setAction(action)
                .setOutcome(outcome)
                .setSourceIp(sourceIp)
                .setUserAgent(truncate(userAgent))
                .setDetails(details)
                .build();
    }

    static String truncate(String text) {
        if (text == null) {
            return null;
        }
        String clean = text.replaceAll("\\p{Cntrl}", "?");
        return clean.length() > MAX_TEXT ? clean.substring(0, MAX_TEXT) + "..." : clean;
    }
}
