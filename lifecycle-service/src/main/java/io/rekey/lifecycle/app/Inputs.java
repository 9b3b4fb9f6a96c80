package io.rekey.lifecycle.app;

import io.rekey.lifecycle.compliance.ComplianceInput;
import io.rekey.lifecycle.domain.SecretFacts;
import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.lifecycle.schedule.RotationSchedule;
import io.rekey.lifecycle.schedule.RotationScheduler;
import io.rekey.lifecycle.schedule.ScheduleInput;
import io.rekey.lifecycle.view.RotationTrack;
import io.rekey.lifecycle.view.SecretSnapshot;
import io.rekey.schema.Criticality;
import io.rekey.schema.RotationPolicy;
import io.rekey.schema.SecretDescriptor;

import java.time.Instant;

/** Translates view snapshots into the inputs of the pure cores. */
public final class Inputs {

    private Inputs() {
    }

    public static SecretFacts facts(String secretId, SecretSnapshot s) {
        if (s == null) {
            return new SecretFacts(secretId, null, null, false);
        }
        SecretDescriptor d = s.descriptor();
        return new SecretFacts(secretId, s.status(), d == null ? null : d.getExpiresAt(), s.rotationFailure() != null);
    }

    public static ScheduleInput schedule(SecretSnapshot s) {
        SecretDescriptor d = s.descriptor();
        RotationPolicy policy = d.getRotationPolicy();
        SecretStatus status = s.status();
        RotationTrack inFlight = s.inFlight();
        Instant registeredAt = status.createdAt() != null ? status.createdAt() : d.getCreatedAt();
        return new ScheduleInput(s.secretId(), RotationSchedule.of(policy), policy.getRotateOnRegister(), status.state(),
                status.isSoftDeleted() || d.getDeletedAt() != null, honeytoken(d), registeredAt, s.lastRotatedAt(),
                s.rotationFailure() != null,
                inFlight == null ? null : new ScheduleInput.InFlight(inFlight.rotationId(),
                        inFlight.lastPhase() == null ? "ISSUED" : inFlight.lastPhase().name(), inFlight.lastHeard()),
                s.knownRotationIds(), priority(d.getCriticality()),
                policy.getGracePeriodSeconds() == null ? null : policy.getGracePeriodSeconds() * 1000);
    }

    public static ComplianceInput compliance(SecretSnapshot s, Instant now) {
        SecretDescriptor d = s.descriptor();
        SecretStatus status = s.status();
        Instant overdue = RotationScheduler.overdueSince(schedule(s), now).orElse(null);
        return new ComplianceInput(s.secretId(), d.getOwner(), d.getType(), d.getCriticality(), d.getCategory(),
                status.state(), status.isSoftDeleted() || d.getDeletedAt() != null, honeytoken(d),
                status.createdAt() != null ? status.createdAt() : d.getCreatedAt(), s.lastRotatedAt(), s.lastAccessAt(),
                d.getExpiresAt(), overdue, s.rotationFailure() != null,
                s.rotationFailure() == null ? null : s.rotationFailure().reason());
    }

    public static boolean honeytoken(SecretDescriptor d) {
        return d.getTags().stream().anyMatch(t -> RotationScheduler.HONEYTOKEN_TAG.equalsIgnoreCase(String.valueOf(t)));
    }

    /** Scheduling priority: the more critical the secret, the sooner its rotation runs. */
    static int priority(Criticality c) {
        if (c == null) {
            return 0;
        }
        switch (c) {
            case CRITICAL: return 3;
            case HIGH: return 2;
            case MEDIUM: return 1;
            default: return 0;
        }
    }
}
