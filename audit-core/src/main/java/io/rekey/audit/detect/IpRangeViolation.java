package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.CidrAllowList;
import io.rekey.schema.AnomalyType;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Access from a source address outside the allowed networks, or from something that is not an address at all.
 * Verdicts are cached per address: a principal's few addresses repeat endlessly, parsing them every time would not.
 */
final class IpRangeViolation implements Detector {

    private static final int CACHE_SIZE = 4096;

    private final CidrAllowList allowed;
    private final String rule;
    /** One instance per stream task, used by one thread: a plain access-ordered map is enough. */
    private final Map<String, CidrAllowList.Verdict> verdicts = new LinkedHashMap<>(256, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, CidrAllowList.Verdict> eldest) {
            return size() > CACHE_SIZE;
        }
    };

    /** The verdict on the address of the event {@link #trips} just looked at. */
    private CidrAllowList.Verdict verdict;

    IpRangeViolation(AuditConfig config) {
        allowed = config.allowedCidrs();
        rule = "ip-range-violation(source not in " + allowed + ")";
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.IP_RANGE_VIOLATION;
    }

    @Override
    public boolean trips(Observation o) {
        if (o.sourceIp == null) {
            return false;
        }
        verdict = verdicts.computeIfAbsent(o.sourceIp, allowed::check);
        return verdict != CidrAllowList.Verdict.ALLOWED;
    }

    @Override
    public Finding describe(Observation o) {
        String why = verdict == CidrAllowList.Verdict.NOT_AN_ADDRESS ? ", which is not an IP address"
                : ", outside the allowed networks";
        return Finding.single(type(), rule, o.principal + " accessed from " + o.sourceIp + why, o);
    }
}
