package io.rekey.audit.detect;

import io.rekey.schema.AnomalyType;

/**
 * One detection rule. Checks are reads of the event and the principal's state; the engine updates the state once
 * per event, between the detectors that compare against the past ({@link #beforeUpdate()}) and those that count over
 * a window including the event. A check is split in two so the common case stays cheap: {@link #trips} answers
 * whether the event trips the rule, and only when noise control lets the finding through does {@link #describe} build
 * it (lists of secrets, evidence, a sentence). A detector instance serves one engine, so {@code describe} may reuse
 * what the {@code trips} call just before it found.
 */
interface Detector {

    AnomalyType type();

    /** True for detectors of novelty, which must see the state as it was before this event. */
    default boolean beforeUpdate() {
        return false;
    }

    /** Whether the event trips the rule. Cheap: no allocation on the common path. */
    boolean trips(Observation o);

    /** What was found, for the event {@link #trips} just returned true for. */
    Finding describe(Observation o);
}
