package io.rekey.audit.detect;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;

import java.util.Locale;

/** One accepted access event as the detectors see it: normalised fields, its event time, the principal's state. */
final class Observation {

    final AccessEvent event;
    final long time;
    final PrincipalState state;
    final String principal;
    final String secretId;
    final String sourceIp;
    final String country;
    final AccessAction action;
    final boolean failed;
    final boolean succeeded;
    /** Whether the principal is still in its learning period (novelty detectors stay quiet). */
    boolean learning;

    Observation(AccessEvent event, long time, PrincipalState state) {
        this.event = event;
        this.time = time;
        this.state = state;
        this.principal = event.getPrincipalId();
        this.secretId = blankToNull(event.getSecretId());
        this.sourceIp = blankToNull(event.getSourceIp());
        String c = blankToNull(event.getCountry());
        this.country = c == null ? null : c.toUpperCase(Locale.ROOT);
        this.action = event.getAction();
        AccessResult outcome = event.getOutcome();
        this.failed = outcome == AccessResult.FAILURE || outcome == AccessResult.DENIED;
        this.succeeded = outcome == AccessResult.SUCCESS;
    }

    boolean isRead() {
        return action == AccessAction.READ && secretId != null;
    }

    /** The principal's latest event time: the end of every sliding window evaluated for this event. */
    long now() {
        return state.lastSeen;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}
