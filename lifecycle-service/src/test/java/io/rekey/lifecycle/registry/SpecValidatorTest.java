package io.rekey.lifecycle.registry;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretType;
import io.rekey.schema.TargetKind;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class SpecValidatorTest {

    private static final Instant NOW = Instant.parse("2026-03-01T00:00:00Z");
    private final SpecValidator validator = new SpecValidator(ValidationLimits.DEFAULTS);

    static Map<String, Object> body() {
        Map<String, Object> body = new HashMap<>();
        body.put("secretId", "db/orders");
        body.put("type", "DATABASE_PASSWORD");
        body.put("owner", "team-orders");
        body.put("storePath", "rekey/db/orders");
        body.put("target", new HashMap<>(Map.of("kind", "POSTGRESQL",
                "params", Map.of("host", "127.0.0.1", "port", 5432, "role", "orders_app", "adminSecretId", "db/admin"))));
        body.put("strategy", "SINGLE_USER");
        body.put("rotationPolicy", new HashMap<>(Map.of("intervalDays", 30, "windowMinutes", 60)));
        body.put("criticality", "HIGH");
        body.put("category", "SERVICE");
        body.put("dependents", List.of("orders-api"));
        body.put("tags", List.of("PCI", "drill"));
        body.put("expiresAt", "2027-01-01T00:00:00Z");
        return body;
    }

    private List<String> errors(Map<String, Object> body) {
        SpecValidator.Result result = validator.validate(body, null, null, NOW);
        assertThat(result).isInstanceOf(SpecValidator.Result.Invalid.class);
        return ((SpecValidator.Result.Invalid) result).errors().stream().map(FieldError::message).toList();
    }

    @Test
    void aCompleteRequestIsValid() {
        SpecValidator.Result result = validator.validate(body(), null, null, NOW);

        SecretSpec spec = ((SpecValidator.Result.Valid) result).spec();
        assertThat(spec.type()).isEqualTo(SecretType.DATABASE_PASSWORD);
        assertThat(spec.targetKind()).isEqualTo(TargetKind.POSTGRESQL);
        assertThat(spec.targetParams()).containsEntry("port", "5432");
        assertThat(spec.strategy()).isEqualTo(RotationStrategy.SINGLE_USER);
        assertThat(spec.tags()).containsExactly("pci", "drill");
        assertThat(spec.policy().intervalDays()).isEqualTo(30);
        assertThat(spec.activate()).isTrue();
    }

    @Test
    void unknownTypeNamesTheFieldAndTheAllowedValues() {
        Map<String, Object> body = body();
        body.put("type", "SSH_KEY");

        SpecValidator.Result.Invalid invalid = (SpecValidator.Result.Invalid) validator.validate(body, null, null, NOW);

        assertThat(invalid.errors()).singleElement().satisfies(e -> {
            assertThat(e.field()).isEqualTo("type");
            assertThat(e.message()).isEqualTo("type: unknown type 'SSH_KEY'; allowed values: DATABASE_PASSWORD, API_KEY, "
                    + "JWT_SIGNING_KEY, VAULT_TOKEN, CLOUD_CREDENTIAL, GENERIC");
            assertThat(e.allowedValues()).contains("API_KEY").doesNotContain("UNKNOWN");
        });
    }

    @Test
    void badCronIsExplained() {
        Map<String, Object> body = body();
        body.put("rotationPolicy", Map.of("cron", "61 3 * * *"));

        assertThat(errors(body)).singleElement().asString()
                .startsWith("rotationPolicy.cron: '61 3 * * *' is not a valid 5-field Unix cron expression");
    }

    @Test
    void cronThatFiresTooOftenOrHasSixFieldsIsRefused() {
        Map<String, Object> body = body();
        body.put("rotationPolicy", Map.of("cron", "*/5 * * * *"));
        assertThat(errors(body)).contains("rotationPolicy.cron: '*/5 * * * *' fires every 5 minutes; rotations must be at least 60 minutes apart");

        body.put("rotationPolicy", Map.of("cron", "0 0 3 * * 1"));
        assertThat(errors(body)).singleElement().asString().contains("is not a 5-field Unix cron expression");
    }

    @Test
    void intervalOutOfRangeAndBothScheduleKinds() {
        Map<String, Object> body = body();
        body.put("rotationPolicy", Map.of("intervalDays", 0));
        assertThat(errors(body)).containsExactly("rotationPolicy.intervalDays: 0 is out of range; allowed 1 to 730 days");

        body.put("rotationPolicy", Map.of("intervalDays", 30, "cron", "0 3 * * 1"));
        assertThat(errors(body)).contains("rotationPolicy: set either intervalDays or cron, not both");
    }

    @Test
    void ownerMissingAndEverythingElseAreReportedTogether() {
        Map<String, Object> body = body();
        body.remove("owner");
        body.put("criticality", "SEVERE");
        body.put("rotateOnRegiser", true);

        assertThat(errors(body)).containsExactlyInAnyOrder(
                "owner: is required",
                "criticality: unknown criticality 'SEVERE'; allowed values: LOW, MEDIUM, HIGH, CRITICAL",
                "rotateOnRegiser: unknown field; known fields are [activate, category, criticality, dependents, description, "
                        + "expiresAt, owner, rotationPolicy, secretId, storePath, strategy, tags, target, type]");
    }

    @Test
    void targetParametersMustNotHoldCredentials() {
        Map<String, Object> body = body();
        body.put("target", Map.of("kind", "POSTGRESQL", "params", Map.of("host", "db", "password", "hunter2",
                "caCert", "-----BEGIN PRIVATE KEY-----abc")));

        List<String> errors = errors(body);

        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("target.params.password: looks like a credential"));
        assertThat(errors).anySatisfy(e -> assertThat(e).startsWith("target.params.caCert: holds PEM key material"));
        assertThat(String.join(" ", errors)).doesNotContain("hunter2");
        assertThat(SpecValidator.looksLikeCredential("adminSecretId")).isFalse();
        assertThat(SpecValidator.looksLikeCredential("apiKey")).isTrue();
    }

    @Test
    void strategyMustFitTheTarget() {
        Map<String, Object> body = body();
        body.put("strategy", "DUAL_KEY");

        assertThat(errors(body)).containsExactly(
                "strategy: DUAL_KEY publishes a new signing key before it signs; it needs target.kind JWT_SIGNING_KEY, not POSTGRESQL");
    }

    @Test
    void secretIdsArePathLikeWithoutColons() {
        Map<String, Object> body = body();
        body.put("secretId", "db/../etc:rotate");

        assertThat(errors(body)).singleElement().asString().startsWith("secretId: 'db/../etc:rotate' is not a secret id");
    }

    @Test
    void expiryMustLieAheadUnlessItIsKeptOnUpdate() {
        Map<String, Object> body = body();
        body.put("expiresAt", "2025-01-01T00:00:00Z");
        assertThat(errors(body)).containsExactly("expiresAt: 2025-01-01T00:00:00Z is not in the future");

        body.remove("secretId");
        assertThat(validator.validate(body, "db/orders", Instant.parse("2025-01-01T00:00:00Z"), NOW))
                .isInstanceOf(SpecValidator.Result.Valid.class);
    }

    @Test
    void updateCannotRenameTheSecret() {
        assertThat(((SpecValidator.Result.Invalid) validator.validate(body(), "db/payments", null, NOW)).errors())
                .extracting(FieldError::message)
                .containsExactly("secretId: 'db/orders' differs from the id in the URL 'db/payments'; a secret id cannot change (register a new secret)");
    }
}
