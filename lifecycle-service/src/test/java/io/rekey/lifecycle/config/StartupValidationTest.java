package io.rekey.lifecycle.config;

import io.micronaut.context.ApplicationContext;
import io.rekey.schema.signing.IssuerKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** A bad setting stops the service at start-up with a message naming it; nothing touches Kafka before. */
class StartupValidationTest {

    @TempDir
    Path dir;

    private Map<String, Object> valid() throws IOException {
        Path key = dir.resolve("issuer.pem");
        Files.writeString(key, IssuerKeys.privatePem(IssuerKeys.generate().getPrivate()));
        Map<String, Object> p = new HashMap<>();
        p.put("rekey.kafka.bootstrap-servers", "127.0.0.1:1");
        p.put("rekey.registry.url", "http://127.0.0.1:1");
        p.put("rekey.lifecycle.issuer-key-file", key.toString());
        p.put("rekey.lifecycle.issuer-key-id", "lifecycle-1");
        p.put("rekey.lifecycle.auth.jwt-secret", "x".repeat(32));
        return p;
    }

    private static void refused(Map<String, Object> settings, String... messageParts) {
        assertThatThrownBy(() -> ApplicationContext.run(settings).close())
                .rootCause().satisfies(e -> assertThat(e.getMessage()).contains(messageParts));
    }

    @Test
    void aValidConfigurationStarts() throws IOException {
        try (ApplicationContext context = ApplicationContext.run(valid())) {
            LifecycleSettings settings = context.getBean(LifecycleSettings.class);
            assertThat(settings.expiryLeadTimes()).hasSize(3);
            assertThat(settings.compliance().maxAgeByCriticality()).hasSize(2);
        }
    }

    @Test
    void missingIssuerKeyFileIsNamed() throws IOException {
        Map<String, Object> p = valid();
        p.remove("rekey.lifecycle.issuer-key-file");
        refused(p, "rekey.lifecycle.issuer-key-file (REKEY_LIFECYCLE_ISSUER_KEY_FILE) is not set");

        p.put("rekey.lifecycle.issuer-key-file", dir.resolve("nope.pem").toString());
        refused(p, "REKEY_LIFECYCLE_ISSUER_KEY_FILE", "which is not a file");
    }

    @Test
    void anIssuerKeyFileWithoutAnEd25519KeyIsNamedWithoutItsContent() throws IOException {
        Map<String, Object> p = valid();
        Path junk = dir.resolve("junk.pem");
        Files.writeString(junk, "-----BEGIN PRIVATE KEY-----\nc2VjcmV0LXNlY3JldA==\n-----END PRIVATE KEY-----\n");
        p.put("rekey.lifecycle.issuer-key-file", junk.toString());

        assertThatThrownBy(() -> ApplicationContext.run(p).close()).rootCause()
                .hasMessageContaining("does not hold an Ed25519 private key").hasMessageNotContaining("c2VjcmV0");
    }

    @Test
    void aShortJwtSecretOrNoTokenCheckAtAllIsRefused() throws IOException {
        Map<String, Object> p = valid();
        p.put("rekey.lifecycle.auth.jwt-secret", "too-short");
        refused(p, "rekey.lifecycle.auth.jwt-secret (REKEY_LIFECYCLE_JWT_SECRET) is too short", "32 bytes");

        p.remove("rekey.lifecycle.auth.jwt-secret");
        refused(p, "no way to check bearer tokens");

        p.put("rekey.lifecycle.auth.jwks-url", "http://idp.example.com/jwks");
        refused(p, "must be an https URL");
    }

    @Test
    void badDurationsAndNumbersAreNamed() throws IOException {
        Map<String, Object> p = valid();
        p.put("rekey.lifecycle.expiry.lead-times", "30d,soon");
        refused(p, "rekey.lifecycle.expiry.lead-times (REKEY_LIFECYCLE_EXPIRY_LEAD_TIMES) must be a duration", "'soon'");

        p.put("rekey.lifecycle.expiry.lead-times", "7d,7d");
        refused(p, "lists a lead time twice");

        p.remove("rekey.lifecycle.expiry.lead-times");
        p.put("rekey.lifecycle.policy.max-interval-days", "0");
        refused(p, "rekey.lifecycle.policy.max-interval-days (REKEY_LIFECYCLE_POLICY_MAX_INTERVAL_DAYS) is '0'");
    }
}
