package io.rekey.audit.detect;

import io.rekey.schema.AnomalyType;

import java.util.List;

/**
 * What one detector found for one event, before noise control turns it into an anomaly (or suppresses it).
 *
 * @param variant       distinguishes two findings of one type a detector can make (for example a policy change and
 *                      a grant followed by use); part of the anomaly's deterministic id
 * @param count         events or distinct values that crossed the threshold (1 for single-event findings)
 * @param threshold     the detector's threshold, for severity
 * @param severityShift levels up (+) or down (-) from the type's base severity
 */
public record Finding(AnomalyType type, String variant, String rule, String description, long count, int threshold,
                      int severityShift, List<String> secretIds, List<String> evidence, Long windowStart, Long windowEnd,
                      List<String> sourceIps, List<String> countries) {

    /** A finding about the triggering event alone. */
    static Finding single(AnomalyType type, String rule, String description, Observation o) {
        return new Finding(type, "", rule, description, 1, 1, 0, o.secretId == null ? List.of() : List.of(o.secretId),
                List.of(o.event.getId()), null, null, o.sourceIp == null ? List.of() : List.of(o.sourceIp),
                o.country == null ? List.of() : List.of(o.country));
    }

    Finding withWindow(long start, long end) {
        return new Finding(type, variant, rule, description, count, threshold, severityShift, secretIds, evidence,
                start, end, sourceIps, countries);
    }

    Finding withEvidence(List<String> ids) {
        return new Finding(type, variant, rule, description, count, threshold, severityShift, secretIds, ids,
                windowStart, windowEnd, sourceIps, countries);
    }

    /** The same finding as another variant of its type, with a severity shift. */
    Finding asVariant(String name, int shift) {
        return new Finding(type, name, rule, description, count, threshold, shift, secretIds, evidence,
                windowStart, windowEnd, sourceIps, countries);
    }
}
