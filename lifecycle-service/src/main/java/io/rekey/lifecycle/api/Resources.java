package io.rekey.lifecycle.api;

import io.micronaut.serde.annotation.Serdeable;
import io.rekey.lifecycle.app.Inputs;
import io.rekey.lifecycle.compliance.Compliance;
import io.rekey.lifecycle.compliance.ComplianceInput;
import io.rekey.lifecycle.compliance.ComplianceReport;
import io.rekey.lifecycle.compliance.HealthStatus;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.schedule.RotationScheduler;
import io.rekey.lifecycle.schedule.RotationScheduler.Plan;
import io.rekey.lifecycle.view.HistoryEntry;
import io.rekey.lifecycle.view.RotationTrack;
import io.rekey.lifecycle.view.SecretSnapshot;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.RotationPolicy;
import io.rekey.schema.SecretDescriptor;
import jakarta.inject.Singleton;

import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Turns snapshots into the API's resources. */
@Singleton
public class Resources {

    private final LifecycleSettings settings;

    public Resources(LifecycleSettings settings) {
        this.settings = settings;
    }

    /** Lifecycle events and rotations of a secret, oldest first. */
    @Serdeable
    public record History(String secretId, List<HistoryEntry> events, List<RotationTrack> rotations) {
    }

    @Serdeable
    public record SecretList(int total, int offset, int limit, List<SecretResource> items) {
    }

    @Serdeable
    public record Emergency(boolean active, String incidentId, String changedBy, String reason, Instant since) {
    }

    @Serdeable
    public record Report(Instant generatedAt, Map<String, String> policy, ComplianceReport.Totals totals,
                         List<ComplianceReport.Finding> findings) {
    }

    public SecretResource secret(SecretSnapshot s, boolean emergency, Instant now) {
        SecretDescriptor d = s.descriptor();
        RotationPolicy p = d.getRotationPolicy();
        ComplianceInput compliance = Inputs.compliance(s, now);
        HealthStatus health = Compliance.health(compliance, settings.compliance(), now);
        Instant deletedAt = s.status().deletedAt() != null ? s.status().deletedAt() : d.getDeletedAt();
        return new SecretResource(s.secretId(), d.getRevision(), d.getType().name(), d.getOwner(), d.getDescription(),
                d.getStorePath(), new SecretResource.Target(d.getTarget().getKind().name(), Map.copyOf(d.getTarget().getParams())),
                d.getStrategy().name(),
                new SecretResource.Policy(p.getIntervalDays(), p.getCron(), p.getWindowMinutes(), p.getPhaseOffsetMinutes(),
                        p.getRotateOnRegister(), p.getGracePeriodSeconds()),
                d.getCriticality().name(), d.getCategory().name(), List.copyOf(d.getDependents()), List.copyOf(d.getTags()),
                d.getExpiresAt(), d.getCreatedAt(), d.getOccurredAt(), d.getUpdatedBy(), deletedAt,
                deletedAt == null ? null : deletedAt.plus(settings.recoveryWindow()),
                s.status().state(), s.status().stateSince(), health == null ? null : health.tag(),
                rotation(s, emergency, now),
                new SecretResource.Access(s.lastAccessAt(), s.lastAccessBy(), s.reads(),
                        Duration.between(compliance.credentialSince(), now).toDays(),
                        Duration.between(compliance.createdAt(), now).toDays()));
    }

    private static SecretResource.Rotation rotation(SecretSnapshot s, boolean emergency, Instant now) {
        Plan plan = RotationScheduler.plan(Inputs.schedule(s), emergency, now);
        SecretResource.Schedule schedule;
        if (plan instanceof Plan.Due due) {
            schedule = new SecretResource.Schedule("due", due.slot(), null, due.rotationId(), null);
        } else if (plan instanceof Plan.Waiting waiting) {
            schedule = new SecretResource.Schedule("waiting", waiting.nextSlot(), waiting.missedSlot(), null, null);
        } else if (plan instanceof Plan.Issued issued) {
            schedule = new SecretResource.Schedule("issued", issued.slot(), null, issued.rotationId(), null);
        } else if (plan instanceof Plan.Paused paused) {
            schedule = new SecretResource.Schedule("paused", paused.slot(), null, null, paused.reason());
        } else {
            schedule = new SecretResource.Schedule("manual", null, null, null, "the policy has no interval or cron");
        }
        RotationTrack t = s.inFlight();
        SecretResource.InFlight inFlight = t == null ? null : new SecretResource.InFlight(t.rotationId(),
                t.lastPhase() == null ? "ISSUED" : t.lastPhase().name(), t.lastHeard(),
                t.reason() == null ? null : t.reason().name(), t.requestedBy());
        SecretResource.Failure failure = s.rotationFailure() == null ? null : new SecretResource.Failure(
                s.rotationFailure().at(), s.rotationFailure().rotationId(), s.rotationFailure().reason());
        return new SecretResource.Rotation(s.lastRotatedAt(), schedule, inFlight, failure);
    }

    public static History history(SecretSnapshot s) {
        return new History(s.secretId(), s.history(), s.rotations());
    }

    public static Emergency emergency(EmergencyMode mode) {
        if (mode == null) {
            return new Emergency(false, null, null, null, null);
        }
        return new Emergency(mode.getActive(), mode.getIncidentId(), mode.getChangedBy(), mode.getReason(), mode.getOccurredAt());
    }

    public static Report report(ComplianceReport report) {
        Map<String, String> policy = new LinkedHashMap<>();
        policy.put("maxAge", report.policy().maxAge().toString());
        report.policy().maxAgeByCriticality().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(e -> policy.put("maxAge." + e.getKey().name(), e.getValue().toString()));
        policy.put("expiringSoon", report.policy().expiringSoon().toString());
        policy.put("unusedFor", report.policy().unusedFor().toString());
        return new Report(report.generatedAt(), policy, report.totals(), report.findings());
    }
}
