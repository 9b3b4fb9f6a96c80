package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

import java.util.ArrayList;
import java.util.List;

/** A LIST followed by at least N distinct reads by the same principal within a window (enumerate, then harvest). */
final class SuspiciousPattern extends CountingDetector {

    SuspiciousPattern(AuditConfig config) {
        super(config, AnomalyType.SUSPICIOUS_PATTERN, "LIST then distinct reads");
    }

    @Override
    public boolean trips(Observation o) {
        long listAt = o.state.lastListAt;
        return o.isRead() && listAt != PrincipalState.NONE && o.time >= listAt && o.time <= listAt + window
                && reached(o.state.reads, listAt, listAt + window);
    }

    @Override
    public Finding describe(Observation o) {
        long listAt = o.state.lastListAt;
        Finding reads = over(o, o.state.reads, listAt, listAt + window, Windows.Keys.SECRETS,
                (atLeast, n) -> o.principal + " listed secrets, then read " + atLeast + n + " distinct ones within " + span);
        if (o.state.lastListEventId == null) {
            return reads;
        }
        // The LIST itself is the first piece of evidence.
        List<String> evidence = new ArrayList<>(reads.evidence().size() + 1);
        evidence.add(o.state.lastListEventId);
        evidence.addAll(reads.evidence().subList(0, Math.min(reads.evidence().size(), evidenceLimit - 1)));
        return reads.withEvidence(evidence);
    }
}
