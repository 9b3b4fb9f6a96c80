package io.rekey.lifecycle.registry;

import io.rekey.schema.RotationPolicy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetRef;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/** Turns validated specs into registry records, and says what changed between two revisions. Pure. */
public final class Descriptors {

    private Descriptors() {
    }

    /** Revision 1 of a newly registered secret. */
    public static SecretDescriptor registered(SecretSpec spec, String by, Instant at) {
        return build(spec, by, at, at, 1L);
    }

    /** The next revision of {@code current} with the fields of {@code spec}; id, type and creation time stay. */
    public static SecretDescriptor updated(SecretDescriptor current, SecretSpec spec, String by, Instant at) {
        return build(spec, by, at, current.getCreatedAt(), current.getRevision() + 1);
    }

    /** The next revision with {@code deletedAt} set (soft delete) or cleared (restore). */
    public static SecretDescriptor withDeletedAt(SecretDescriptor current, Instant deletedAt, String by, Instant at) {
        return SecretDescriptor.newBuilder(current).setId(UUID.randomUUID().toString()).setOccurredAt(at)
                .setUpdatedBy(by).setRevision(current.getRevision() + 1).setDeletedAt(deletedAt).build();
    }

    private static SecretDescriptor build(SecretSpec spec, String by, Instant at, Instant createdAt, long revision) {
        SecretSpec.PolicySpec p = spec.policy();
        return SecretDescriptor.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(at)
                .setSecretId(spec.secretId())
                .setType(spec.type())
                .setOwner(spec.owner())
                .setDescription(spec.description())
                .setStorePath(spec.storePath())
                .setTarget(TargetRef.newBuilder().setKind(spec.targetKind()).setParams(spec.targetParams()).build())
                .setStrategy(spec.strategy())
                .setRotationPolicy(RotationPolicy.newBuilder()
                        .setIntervalDays(p.intervalDays())
                        .setCron(p.cron())
                        .setWindowMinutes(p.windowMinutes())
                        .setPhaseOffsetMinutes(p.phaseOffsetMinutes())
                        .setRotateOnRegister(p.rotateOnRegister())
                        .setGracePeriodSeconds(p.gracePeriodSeconds())
                        .build())
                .setCriticality(spec.criticality())
                .setCategory(spec.category())
                .setDependents(spec.dependents())
                .setTags(spec.tags())
                .setExpiresAt(spec.expiresAt())
                .setCreatedAt(createdAt)
                .setUpdatedBy(by)
                .setRevision(revision)
                .setDeletedAt(null)
                .build();
    }

    /** Names of the person-set fields that differ between two revisions, in schema order. */
    public static List<String> changedFields(SecretDescriptor before, SecretDescriptor after) {
        List<String> changed = new ArrayList<>();
        compare(changed, "type", before.getType(), after.getType());
        compare(changed, "owner", before.getOwner(), after.getOwner());
        compare(changed, "description", before.getDescription(), after.getDescription());
        compare(changed, "storePath", before.getStorePath(), after.getStorePath());
        compare(changed, "target", before.getTarget(), after.getTarget());
        compare(changed, "strategy", before.getStrategy(), after.getStrategy());
        compare(changed, "rotationPolicy", before.getRotationPolicy(), after.getRotationPolicy());
        compare(changed, "criticality", before.getCriticality(), after.getCriticality());
        compare(changed, "category", before.getCategory(), after.getCategory());
        compare(changed, "dependents", before.getDependents(), after.getDependents());
        compare(changed, "tags", before.getTags(), after.getTags());
        compare(changed, "expiresAt", before.getExpiresAt(), after.getExpiresAt());
        return changed;
    }

    private static void compare(List<String> changed, String name, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            changed.add(name);
        }
    }
}
