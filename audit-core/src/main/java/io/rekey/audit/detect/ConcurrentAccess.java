package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

/** At least N distinct source addresses for one principal within a short window (shared or stolen credential). */
final class ConcurrentAccess extends CountingDetector {

    ConcurrentAccess(AuditConfig config) {
        super(config, AnomalyType.CONCURRENT_ACCESS, "distinct source IPs");
    }

    @Override
    public boolean trips(Observation o) {
        return o.sourceIp != null && reached(o.state.ips, o.now() - window, o.now());
    }

    @Override
    public Finding describe(Observation o) {
        return over(o, o.state.ips, o.now() - window, o.now(), Windows.Keys.SOURCE_IPS,
                (atLeast, n) -> o.principal + " accessed from " + atLeast + n + " distinct addresses within " + span);
    }
}
