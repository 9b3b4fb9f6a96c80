package io.rekey.lifecycle.api;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.micronaut.serde.annotation.Serdeable;
import io.rekey.schema.LifecycleState;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** A registered secret as the API shows it: its descriptor, lifecycle, schedule and use. Never a secret value. */
@Serdeable
@JsonInclude(JsonInclude.Include.NON_NULL)
public record SecretResource(String secretId, long revision, String type, String owner, String description,
                             String storePath, Target target, String strategy, Policy rotationPolicy, String criticality,
                             String category, List<String> dependents, List<String> tags, Instant expiresAt,
                             Instant createdAt, Instant updatedAt, String updatedBy, Instant deletedAt,
                             Instant recoverableUntil, LifecycleState state, Instant stateSince, String health,
                             Rotation rotation, Access access) {

    @Serdeable
    public record Target(String kind, Map<String, String> params) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Policy(Integer intervalDays, String cron, int windowMinutes, int phaseOffsetMinutes,
                         boolean rotateOnRegister, Long gracePeriodSeconds) {
    }

    /**
     * @param schedule what the schedule says now: status due, waiting, issued, paused or manual
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Rotation(Instant lastRotatedAt, Schedule schedule, InFlight inFlight, Failure failure) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Schedule(String status, Instant nextDueAt, Instant missedDueAt, String rotationId, String reason) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record InFlight(String rotationId, String phase, Instant since, String reason, String requestedBy) {
    }

    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Failure(Instant at, String rotationId, String reason) {
    }

    /**
     * @param credentialAgeDays days since the last rotation (or registration)
     * @param secretAgeDays     days since registration
     */
    @Serdeable
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record Access(Instant lastAccessAt, String lastAccessBy, long reads, long credentialAgeDays, long secretAgeDays) {
    }
}
