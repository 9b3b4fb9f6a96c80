package io.rekey.audit.detect;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;

import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The detectors over one process's memory instead of state stores: every principal's state, every pair, and grant
 * notices delivered at once rather than through a topic. For replays and tests; the stream keeps the same state in
 * changelogged stores.
 */
public final class InMemoryDetection implements Lookups {

    private final Map<String, Long> pairs = new HashMap<>();
    private final Map<String, PrincipalState> states = new HashMap<>();
    private final Set<String> honeytokens;
    private final DetectorEngine engine;
    private final GrantWatch grants;

    public InMemoryDetection(AuditConfig config, Set<String> honeytokens, Clock clock, AuditMetrics metrics) {
        this.honeytokens = Set.copyOf(Objects.requireNonNull(honeytokens, "honeytokens must not be null"));
        this.engine = new DetectorEngine(config, this, clock, metrics);
        this.grants = new GrantWatch(config);
    }

    /** Detects on one accepted access event, and on the grant notice it implies, if any. */
    public void process(AccessEvent event, long time, List<Anomaly> out) {
        engine.onAccess(event, time, state(event.getPrincipalId()), out);
        GrantNotice notice = grants.noticeFor(event, time);
        if (notice != null) {
            engine.onNotice(notice, state(notice.grantee()), out);
        }
    }

    public DetectorEngine engine() {
        return engine;
    }

    /** The principal's state, created on first use. */
    public PrincipalState state(String principalId) {
        return states.computeIfAbsent(principalId, p -> engine.newState());
    }

    @Override
    public long pairLastSeen(String principalId, String secretId) {
        return pairs.getOrDefault(principalId + '\u0000' + secretId, PrincipalState.NONE);
    }

    @Override
    public void pairSeen(String principalId, String secretId, long time) {
        pairs.put(principalId + '\u0000' + secretId, time);
    }

    @Override
    public boolean isHoneytoken(String secretId) {
        return honeytokens.contains(secretId);
    }
}
