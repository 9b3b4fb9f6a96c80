package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

/** At least N failed or denied accesses by one principal within a sliding window (guessing, probing). */
final class FailedAttempts extends CountingDetector {

    FailedAttempts(AuditConfig config) {
        super(config, AnomalyType.FAILED_ATTEMPTS, "failures");
    }

    @Override
    public boolean trips(Observation o) {
        return o.failed && reached(o.state.failures, o.now() - window, o.now());
    }

    @Override
    public Finding describe(Observation o) {
        return over(o, o.state.failures, o.now() - window, o.now(), Windows.Keys.SECRETS,
                (atLeast, n) -> o.principal + " had " + atLeast + n + " failed or denied accesses within " + span);
    }
}
