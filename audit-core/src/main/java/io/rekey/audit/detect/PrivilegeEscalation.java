package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.PrincipalMatcher;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AnomalyType;

import java.time.Duration;
import java.util.List;

/**
 * Two findings: a policy change or grant by a principal without that right (HIGH, MEDIUM when it was refused), and
 * a suspicious grant (a self-grant, or one by a principal without the right) followed by the grantee using it within
 * the window (CRITICAL: the escalation worked). The use may be seen before the grant's notice arrives, so both
 * orders are checked: here on the use, and in {@link #onNotice} on the notice.
 */
final class PrivilegeEscalation implements Detector {

    private final PrincipalMatcher admins;
    private final long window;
    private final String changeRule;
    private final String useRule;
    private final String span;

    /** The grant the event {@link #trips} just looked at used, or -1 for a policy change. */
    private int matchedGrant = -1;

    PrivilegeEscalation(AuditConfig config) {
        admins = config.policyAdmins();
        Duration w = config.detector(type()).window();
        window = w.toMillis();
        changeRule = "privilege-escalation(policy change or grant by a principal not in privilege-escalation.admins)";
        useRule = "privilege-escalation(self-grant or non-admin grant used within " + w + ")";
        span = Windows.human(w);
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.PRIVILEGE_ESCALATION;
    }

    @Override
    public boolean trips(Observation o) {
        matchedGrant = -1;
        if (o.action == AccessAction.POLICY_CHANGE || o.action == AccessAction.GRANT) {
            return !admins.matches(o.principal);
        }
        if (!o.succeeded || o.secretId == null) {
            return false;
        }
        Recent grants = o.state.grants;
        for (int i = 0; i < grants.size(); i++) {
            String granted = grants.key(i);
            long at = grants.time(i);
            if ((granted == null || granted.equals(o.secretId)) && o.time >= at && o.time <= at + window) {
                matchedGrant = i;
                return true;
            }
        }
        return false;
    }

    @Override
    public Finding describe(Observation o) {
        if (matchedGrant < 0) {
            String target = o.event.getTargetPrincipalId() == null ? "" : " for " + o.event.getTargetPrincipalId();
            return Finding.single(type(), changeRule, o.principal + " attempted " + o.action + target
                    + " without that right (" + o.event.getOutcome() + ")", o).asVariant("change", o.succeeded ? 0 : -1);
        }
        Recent grants = o.state.grants;
        return used(o.principal, o.secretId, grants.extra(matchedGrant), grants.eventId(matchedGrant),
                grants.time(matchedGrant), o.event.getId(), o);
    }

    /** A grant notice arrived: records it, and reports if the grantee already read the secret since the grant. */
    Finding onNotice(GrantNotice notice, PrincipalState state) {
        state.grants.touch(notice.secretId(), notice.grantedAt(), notice.grantEventId(), notice.granter());
        Recent reads = state.reads;
        for (int i = 0; i < reads.size(); i++) {
            long at = reads.time(i);
            if ((notice.secretId() == null || notice.secretId().equals(reads.key(i)))
                    && at >= notice.grantedAt() && at <= notice.grantedAt() + window) {
                return used(notice.grantee(), reads.key(i), notice.granter(), notice.grantEventId(), notice.grantedAt(),
                        reads.eventId(i), null);
            }
        }
        return null;
    }

    private Finding used(String grantee, String secretId, String granter, String grantEventId, long grantedAt,
                         String useEventId, Observation o) {
        String by = granter.equals(grantee) ? " it granted itself" : " granted by " + granter + ", who has no right to grant";
        String description = grantee + " used " + secretId + by + " within " + span;
        return new Finding(type(), "grant-use", useRule, description, 1, 1, 1, List.of(secretId),
                List.of(grantEventId, useEventId), grantedAt, grantedAt + window,
                o == null || o.sourceIp == null ? List.of() : List.of(o.sourceIp),
                o == null || o.country == null ? List.of() : List.of(o.country));
    }
}
