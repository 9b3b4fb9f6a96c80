package io.rekey.audit.stream;

import io.rekey.schema.AccessEvent;

/**
 * What an access event must satisfy, beyond decoding, before detectors see it: sane ids, and a record key equal to
 * its principal (a principal's detector state lives in the one task its key maps to). Shared by the stream and the
 * replay, so both refuse the same events.
 */
public final class AccessChecks {

    /** Larger values are refused: an audit record quoting them would be too large to produce. */
    public static final int MAX_VALUE_BYTES = 100_000;
    public static final int MAX_ID_CHARS = 512;

    private AccessChecks() {
    }

    /** Why a decoded event cannot be processed, or {@code null}. */
    public static String invalid(String key, AccessEvent e) {
        if (e.getId() == null || e.getId().isBlank()) {
            return "id is blank";
        }
        if (e.getPrincipalId() == null || e.getPrincipalId().isBlank()) {
            return "principalId is blank";
        }
        if (longer(e.getId()) || longer(e.getPrincipalId()) || longer(e.getSecretId()) || longer(e.getTargetPrincipalId())
                || longer(e.getSourceIp()) || longer(e.getCountry())) {
            return "an id, address or country is longer than " + MAX_ID_CHARS + " characters";
        }
        if (!e.getPrincipalId().equals(key)) {
            return "record key " + (key == null ? "null" : "'" + abbreviate(key) + "'") + " is not the event's principalId '"
                    + abbreviate(e.getPrincipalId()) + "': access events must be keyed by principalId";
        }
        return null;
    }

    private static boolean longer(String value) {
        return value != null && value.length() > MAX_ID_CHARS;
    }

    private static String abbreviate(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
