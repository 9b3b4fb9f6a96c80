package io.rekey.lifecycle.api;

import io.micronaut.core.annotation.Introspected;
import io.micronaut.core.annotation.Nullable;
import io.swagger.v3.oas.annotations.media.Schema;

import java.util.List;
import java.util.Map;

/**
 * The request bodies, for the OpenAPI description only: the controllers parse bodies themselves (see
 * {@link JsonBodies}) so every problem comes back as a field error.
 */
final class Bodies {

    private Bodies() {
    }

    @Introspected
    @Schema(name = "Registration", description = "A secret to register, or (without secretId and activate) its new fields")
    record Registration(
            @Schema(description = "Stable id, path-like: segments of letters, digits, '.', '_', '-' separated by '/'",
                    example = "db/orders") @Nullable String secretId,
            @Schema(allowableValues = {"DATABASE_PASSWORD", "API_KEY", "JWT_SIGNING_KEY", "VAULT_TOKEN", "CLOUD_CREDENTIAL",
                    "GENERIC"}, requiredMode = Schema.RequiredMode.REQUIRED) String type,
            @Schema(description = "Team or person accountable", requiredMode = Schema.RequiredMode.REQUIRED) String owner,
            @Nullable String description,
            @Schema(description = "Path in the secret store", requiredMode = Schema.RequiredMode.REQUIRED) String storePath,
            @Schema(requiredMode = Schema.RequiredMode.REQUIRED) Target target,
            @Schema(allowableValues = {"SINGLE_USER", "ALTERNATING_USERS", "DUAL_KEY", "GRACE_PERIOD"},
                    requiredMode = Schema.RequiredMode.REQUIRED) String strategy,
            @Nullable Policy rotationPolicy,
            @Schema(allowableValues = {"LOW", "MEDIUM", "HIGH", "CRITICAL"}, requiredMode = Schema.RequiredMode.REQUIRED)
            String criticality,
            @Schema(allowableValues = {"INFRASTRUCTURE", "SERVICE", "INTEGRATION", "HUMAN"},
                    requiredMode = Schema.RequiredMode.REQUIRED) String category,
            @Schema(description = "Services that use the secret") @Nullable List<String> dependents,
            @Schema(description = "Labels such as honeytoken (never rotated, any access is an alarm) or drill") @Nullable List<String> tags,
            @Schema(description = "ISO-8601 UTC expiry, in the future", example = "2027-01-31T00:00:00Z") @Nullable String expiresAt,
            @Schema(description = "Registration only: activate at once (default true)") @Nullable Boolean activate) {
    }

    @Introspected
    @Schema(name = "Target")
    record Target(
            @Schema(allowableValues = {"POSTGRESQL", "MARIADB", "REDIS", "RABBITMQ", "JWT_SIGNING_KEY", "HTTP_API_KEY",
                    "VAULT_DYNAMIC", "NONE"}) String kind,
            @Schema(description = "Connection details only (host, port, username, adminSecretId...); names that look like "
                    + "credentials are refused") @Nullable Map<String, String> params) {
    }

    @Introspected
    @Schema(name = "RotationPolicy", description = "Either intervalDays or cron (UTC), or neither for manual rotation only")
    record Policy(
            @Schema(description = "Days between rotations (configured range, default 1 to 730)") @Nullable Integer intervalDays,
            @Schema(description = "5-field Unix cron in UTC, at least an hour between times", example = "0 3 * * 1") @Nullable String cron,
            @Schema(description = "Minutes after a due time a rotation may still start (1 to 1440, default 60)") @Nullable Integer windowMinutes,
            @Schema(description = "Shift of the due time, to space paired credentials") @Nullable Integer phaseOffsetMinutes,
            @Schema(description = "Rotate at registration instead of one interval later") @Nullable Boolean rotateOnRegister,
            @Schema(description = "How long the previous credential stays valid after promotion") @Nullable Long gracePeriodSeconds) {
    }

    @Introspected
    @Schema(name = "Reason")
    record Reason(@Schema(description = "Why; required to revoke") @Nullable String reason, @Nullable String incidentId) {
    }

    @Introspected
    @Schema(name = "RotateRequest")
    record Rotate(@Nullable String incidentId,
                  @Schema(description = "Rotate even if rotated recently") @Nullable Boolean force,
                  @Schema(description = "Prepare and validate only; change nothing") @Nullable Boolean dryRun,
                  @Nullable Long gracePeriodSeconds) {
    }

    @Introspected
    @Schema(name = "EmergencyRequest")
    record Emergency(@Schema(requiredMode = Schema.RequiredMode.REQUIRED) Boolean active,
                     @Schema(description = "Required to switch it on") @Nullable String incidentId,
                     @Nullable String reason) {
    }
}
