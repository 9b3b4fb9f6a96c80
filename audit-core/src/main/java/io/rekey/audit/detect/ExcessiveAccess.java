package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

/** At least N distinct secrets read by one principal within a sliding window (mass secret retrieval). */
final class ExcessiveAccess extends CountingDetector {

    ExcessiveAccess(AuditConfig config) {
        super(config, AnomalyType.EXCESSIVE_ACCESS, "distinct secrets");
    }

    @Override
    public boolean trips(Observation o) {
        return o.isRead() && reached(o.state.reads, o.now() - window, o.now());
    }

    @Override
    public Finding describe(Observation o) {
        return over(o, o.state.reads, o.now() - window, o.now(), Windows.Keys.SECRETS,
                (atLeast, n) -> o.principal + " read " + atLeast + n + " distinct secrets within " + span);
    }
}
