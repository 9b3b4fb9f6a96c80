package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

/** Any access to a secret the registry tags as a honeytoken: nobody has a reason to touch one. */
final class Honeytoken implements Detector {

    private final Lookups lookups;
    private final String rule;

    Honeytoken(AuditConfig config, Lookups lookups) {
        this.lookups = lookups;
        rule = "honeytoken(secret tagged " + config.honeytokenTag() + ")";
    }

    @Override
    public AnomalyType type() {
        return AnomalyType.HONEYTOKEN;
    }

    @Override
    public boolean trips(Observation o) {
        return o.secretId != null && lookups.isHoneytoken(o.secretId);
    }

    @Override
    public Finding describe(Observation o) {
        return Finding.single(type(), rule, o.principal + " " + o.action + " honeytoken " + o.secretId
                + " (" + o.event.getOutcome() + ")", o);
    }
}
