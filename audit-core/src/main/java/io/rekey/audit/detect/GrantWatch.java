package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.PrincipalMatcher;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.AnomalyType;

/** Decides which grants the grantee's detector must hear about: successful self-grants and grants by non-admins. */
public final class GrantWatch {

    private final boolean enabled;
    private final PrincipalMatcher admins;

    public GrantWatch(AuditConfig config) {
        enabled = config.detector(AnomalyType.PRIVILEGE_ESCALATION).enabled();
        admins = config.policyAdmins();
    }

    /** Whether a grant needs watching for use: it is a self-grant, or the granter has no right to grant. */
    boolean suspicious(String granter, String grantee) {
        return granter.equals(grantee) || !admins.matches(granter);
    }

    /** The notice for this event, or {@code null} if it is not a grant worth watching. */
    public GrantNotice noticeFor(AccessEvent event, long time) {
        String grantee = event.getTargetPrincipalId();
        if (!enabled || event.getAction() != AccessAction.GRANT || event.getOutcome() != AccessResult.SUCCESS
                || grantee == null || grantee.isBlank() || !suspicious(event.getPrincipalId(), grantee)) {
            return null;
        }
        String secretId = event.getSecretId() == null || event.getSecretId().isBlank() ? null : event.getSecretId();
        return new GrantNotice(event.getId(), event.getPrincipalId(), grantee, secretId, time);
    }
}
