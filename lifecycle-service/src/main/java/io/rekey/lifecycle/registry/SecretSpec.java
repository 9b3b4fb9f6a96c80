package io.rekey.lifecycle.registry;

import io.rekey.schema.Category;
import io.rekey.schema.Criticality;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretType;
import io.rekey.schema.TargetKind;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A validated registration or update request: every field a descriptor holds that a person sets. */
public record SecretSpec(String secretId, SecretType type, String owner, String description, String storePath,
                         TargetKind targetKind, Map<String, String> targetParams, RotationStrategy strategy,
                         PolicySpec policy, Criticality criticality, Category category, List<String> dependents,
                         List<String> tags, Instant expiresAt, boolean activate) {

    public SecretSpec {
        targetParams = Map.copyOf(targetParams);
        dependents = List.copyOf(dependents);
        tags = List.copyOf(tags);
    }

    /** A validated rotation policy; at most one of intervalDays and cron is set (none: manual rotation only). */
    public record PolicySpec(Integer intervalDays, String cron, int windowMinutes, int phaseOffsetMinutes,
                             boolean rotateOnRegister, Long gracePeriodSeconds) {
    }
}
