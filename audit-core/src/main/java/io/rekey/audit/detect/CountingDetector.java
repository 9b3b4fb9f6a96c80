package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.config.DetectorSettings;
import io.rekey.schema.AnomalyType;

import java.util.function.BiFunction;


/** A detector that fires when the entries of one capped list inside a sliding window reach a threshold. */
abstract class CountingDetector implements Detector {

    private final AnomalyType type;
    final int threshold;
    final long window;
    final String rule;
    /** The window for people, for example "10 minutes". */
    final String span;
    final int evidenceLimit;

    /**
     * @param counted what is counted, for the rule, for example "distinct secrets"
     */
    CountingDetector(AuditConfig config, AnomalyType type, String counted) {
        this.type = type;
        DetectorSettings s = config.detector(type);
        threshold = s.threshold();
        window = s.window().toMillis();
        rule = AuditSettings.detectorName(type) + "(" + counted + ">=" + threshold + " in " + s.window() + ")";
        span = Windows.human(s.window());
        evidenceLimit = config.evidenceLimit();
    }

    @Override
    public final AnomalyType type() {
        return type;
    }

    /** Whether the entries in {@code [from, to]} reach the threshold. */
    final boolean reached(Recent entries, long from, long to) {
        return entries.countIn(from, to) >= threshold;
    }

    /**
     * The finding over the entries in {@code [from, to]}.
     *
     * @param description the sentence for people, given "at least " when the list is full, and the count
     */
    final Finding over(Observation o, Recent entries, long from, long to, Windows.Keys keys,
                       BiFunction<String, Integer, String> description) {
        int n = entries.countIn(from, to);
        String atLeast = n == entries.capacity() ? "at least " : "";
        return Windows.finding(type, rule, description.apply(atLeast, n), entries, from, to, n, threshold, o,
                evidenceLimit, keys);
    }
}
