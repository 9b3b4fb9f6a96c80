package io.rekey.testkit;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AnomalyType;
import io.rekey.schema.AuditKind;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationPolicy;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.SecretType;
import io.rekey.schema.Severity;
import io.rekey.schema.TargetKind;
import io.rekey.schema.TargetRef;
import org.apache.avro.specific.SpecificRecord;

import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/** Valid example messages of every type, with every optional field set, for tests. */
public final class Samples {

    public static final Instant T0 = Instant.parse("2026-11-21T09:00:00Z");

    private Samples() {
    }

    /** A sample of the message type carried by a catalogue topic. */
    public static SpecificRecord of(Class<? extends SpecificRecord> type) {
        if (type == RotationCommand.class) {
            return rotationCommand("db/orders");
        } else if (type == RotationEvent.class) {
            return rotationEvent("db/orders", RotationPhase.DEPLOYED);
        } else if (type == SecretChanged.class) {
            return secretChanged("db/orders");
        } else if (type == LifecycleEvent.class) {
            return lifecycleEvent("db/orders");
        } else if (type == SecretDescriptor.class) {
            return descriptor("db/orders");
        } else if (type == AccessEvent.class) {
            return accessEvent("alice", "db/orders");
        } else if (type == Anomaly.class) {
            return anomaly("alice");
        } else if (type == AuditRecord.class) {
            return auditRecord("db/orders");
        } else if (type == DeadLetter.class) {
            return deadLetter();
        } else if (type == EmergencyMode.class) {
            return EmergencyMode.newBuilder().setId(id()).setOccurredAt(T0).setActive(true).setIncidentId("INC-1042")
                    .setChangedBy("oncall@example.com").setReason("leaked CI token").build();
        }
        throw new IllegalArgumentException("no sample for " + type.getName());
    }

    public static String id() {
        return UUID.randomUUID().toString();
    }

    public static RotationCommand rotationCommand(String secretId) {
        return RotationCommand.newBuilder()
                .setId(id()).setOccurredAt(T0).setRotationId(id()).setSecretId(secretId)
                .setReason(RotationReason.EMERGENCY).setPriority(9).setRequestedBy("oncall@example.com")
                .setIncidentId("INC-1042").setForce(true).setDryRun(false).setGracePeriodMs(60_000L)
                .setIssuedAt(T0).setIssuerKeyId("cli-2026").setSignature(ByteBuffer.wrap(new byte[64]))
                .build();
    }

    public static RotationEvent rotationEvent(String secretId, RotationPhase phase) {
        return RotationEvent.newBuilder()
                .setId(id()).setOccurredAt(T0).setRotationId(id()).setSecretId(secretId).setPhase(phase)
                .setAttempt(1).setDurationMs(42).setReason(RotationReason.SCHEDULED).setPriority(0)
                .setRequestedBy("scheduler").setIncidentId("INC-1042").setDryRun(false).setForce(false)
                .setSecretType(SecretType.DATABASE_PASSWORD).setCategory(Category.INFRASTRUCTURE)
                .setPreviousVersionId(id()).setNewVersionId(id()).setFingerprint("ab".repeat(32))
                .setGracePeriodMs(0L).setCleanupDueAt(T0.plusSeconds(60)).setRetryAt(null).setError(null)
                .setWorkerId("worker-1")
                .build();
    }

    public static SecretChanged secretChanged(String secretId) {
        return SecretChanged.newBuilder()
                .setId(id()).setOccurredAt(T0).setSecretId(secretId).setSecretType(SecretType.DATABASE_PASSWORD)
                .setCurrentVersionId(id()).setPreviousVersionId(id()).setRotationId(id())
                .setFingerprint("cd".repeat(32)).setPreviousValidUntil(T0.plusSeconds(3600)).setChangedBy("worker-1")
                .build();
    }

    public static LifecycleEvent lifecycleEvent(String secretId) {
        return LifecycleEvent.newBuilder()
                .setId(id()).setOccurredAt(T0).setSecretId(secretId).setType(LifecycleEventType.ROTATED)
                .setFromState(LifecycleState.ACTIVATED).setToState(LifecycleState.ROTATED).setActor("worker-1")
                .setReason("scheduled rotation").setRotationId(id()).setIncidentId(null)
                .setDetails(Map.of("versionId", id()))
                .build();
    }

    public static SecretDescriptor descriptor(String secretId) {
        return SecretDescriptor.newBuilder()
                .setId(id()).setOccurredAt(T0).setSecretId(secretId).setType(SecretType.DATABASE_PASSWORD)
                .setOwner("team-orders").setDescription("orders service database login")
                .setStorePath("rekey/" + secretId)
                .setTarget(TargetRef.newBuilder().setKind(TargetKind.POSTGRESQL)
                        .setParams(Map.of("host", "127.0.0.1", "port", "5432", "role", "orders_app", "adminSecretId", "db/admin")).build())
                .setStrategy(RotationStrategy.SINGLE_USER)
                .setRotationPolicy(RotationPolicy.newBuilder().setIntervalDays(30).setCron(null).setWindowMinutes(60)
                        .setPhaseOffsetMinutes(0).setRotateOnRegister(false).setGracePeriodSeconds(0L).build())
                .setCriticality(Criticality.HIGH).setCategory(Category.SERVICE)
                .setDependents(List.of("orders-api", "orders-batch")).setTags(List.of("pci"))
                .setExpiresAt(T0.plusSeconds(90L * 24 * 3600)).setCreatedAt(T0).setUpdatedBy("alice")
                .setRevision(1).setDeletedAt(null)
                .build();
    }

    public static AccessEvent accessEvent(String principalId, String secretId) {
        return AccessEvent.newBuilder()
                .setId(id()).setOccurredAt(T0).setPrincipalId(principalId).setSecretId(secretId)
                .setAction(AccessAction.READ).setOutcome(AccessResult.SUCCESS).setSourceIp("10.1.2.3").setCountry("GB")
                .setUserAgent("vault-agent/1.17").setSessionId("s-1").setTargetPrincipalId(null)
                .setDetails(Map.of("path", "rekey/" + secretId))
                .build();
    }

    public static Anomaly anomaly(String principalId) {
        return Anomaly.newBuilder()
                .setId(id()).setOccurredAt(T0).setDetectedAt(T0.plusMillis(120)).setType(AnomalyType.EXCESSIVE_ACCESS)
                .setSeverity(Severity.HIGH).setPrincipalId(principalId).setSecretIds(List.of("a", "b"))
                .setWindowStart(T0.minusSeconds(600)).setWindowEnd(T0).setCount(21).setSuppressedCount(0)
                .setEvidence(List.of(id(), id())).setSourceIps(List.of("10.1.2.3")).setCountries(List.of("GB"))
                .setRule("excessive-access(distinct>=20 in PT10M)").setDescription(principalId + " read 21 distinct secrets in 10 minutes")
                .build();
    }

    public static AuditRecord auditRecord(String secretId) {
        return AuditRecord.newBuilder()
                .setId(id()).setOccurredAt(T0).setRecordedAt(T0.plusMillis(5)).setKind(AuditKind.ACCESS)
                .setSecretId(secretId).setPrincipalId("alice").setAction("ACCESS READ SUCCESS")
                .setSourceTopic("rekey.access.events").setSourcePartition(0).setSourceOffset(7L).setSourceEventId(id())
                .setPayload("{}").setChain("rekey.audit.log-0").setSequence(1).setPrevHash("0".repeat(64)).setHash("ef".repeat(32))
                .build();
    }

    public static DeadLetter deadLetter() {
        return DeadLetter.newBuilder()
                .setId(id()).setOccurredAt(T0).setSourceTopic("rekey.access.events").setSourcePartition(3).setSourceOffset(99)
                .setSourceTimestamp(T0).setConsumer("audit-stream").setReason("wrong magic byte 0x7b, expected 0x00 (Confluent wire format)")
                .setErrorClass(null).setKeyBase64("YWxpY2U=").setValueBase64("e30=").setValueSize(2).setValueBytesKept(2)
                .build();
    }
}
