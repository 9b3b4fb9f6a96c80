package io.rekey.lifecycle.it;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.LifecycleApp.Response;
import io.rekey.lifecycle.support.Logs;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Bearer tokens, roles, and the access log of refusals, through the real HTTP server. */
@RekeyIntegrationTest
class SecurityIT extends SharedApp {

    SecurityIT(RekeyStack stack) {
        super(stack);
    }

    /** The refusal about {@code secretId}, in the access log under {@code principal}. */
    private AccessEvent deniedEventFor(String principal, String secretId) {
        return Logs.<AccessEvent>read(stack, Topics.ACCESS_EVENTS.name(), principal, Duration.ofSeconds(30),
                        r -> r.stream().anyMatch(e -> secretId.equals(e.getSecretId())))
                .stream().filter(e -> secretId.equals(e.getSecretId())).findFirst().orElseThrow();
    }

    @Test
    void noTokenIs401WithAChallengeAndIsAuditedAsAnonymous() {
        String id = Secrets.uniqueId("probe");

        Response response = app.get("/secrets/" + id, null);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("Bearer realm=\"rekey\"");
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.<String>at("detail")).contains("authentication required");
        AccessEvent event = deniedEventFor("anonymous", id);
        assertThat(event.getPrincipalId()).isEqualTo("anonymous");
        assertThat(event.getOutcome()).isEqualTo(AccessResult.DENIED);
        assertThat(event.getAction()).isEqualTo(AccessAction.READ);
        assertThat(event.getSourceIp()).isEqualTo("127.0.0.1");
        assertThat(event.getDetails()).containsEntry("status", "401").containsEntry("reason", "no token");
    }

    @Test
    void aViewerCannotRegisterAnd403IsAuditedWithTheSubject() {
        String id = Secrets.uniqueId("db");

        Response response = app.post("/secrets/" + id + ":rotate", LifecycleApp.token("val", "viewer"), "{}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(response.header("WWW-Authenticate")).contains("Bearer realm=\"rekey\", error=\"insufficient_scope\"");
        AccessEvent event = deniedEventFor("val", id);
        assertThat(event.getPrincipalId()).isEqualTo("val");
        assertThat(event.getAction()).isEqualTo(AccessAction.ROTATE);
        assertThat(event.getDetails()).containsEntry("status", "403").containsEntry("roles", "viewer");
    }

    @Test
    void anOperatorCannotRevoke() {
        String id = Secrets.uniqueId("db");

        Response response = app.post("/secrets/" + id + ":revoke", LifecycleApp.token("alice", "operator"), "{\"reason\":\"x\"}");

        assertThat(response.status()).isEqualTo(403);
        assertThat(deniedEventFor("alice", id).getAction()).isEqualTo(AccessAction.WRITE);
    }

    @Test
    void aForgedTokenIsRefusedAndItsClaimedSubjectRecordedAsUnverified() throws Exception {
        String id = Secrets.uniqueId("db");
        String forged = hs256("another-secret-that-is-long-enough-0123456789", claims("mallory", List.of("admin"),
                Instant.now().plusSeconds(600)));

        Response response = app.get("/secrets/" + id, forged);

        assertThat(response.status()).isEqualTo(401);
        assertThat(response.header("WWW-Authenticate")).contains("Bearer realm=\"rekey\", error=\"invalid_token\"");
        AccessEvent event = deniedEventFor("anonymous", id);
        assertThat(event.getDetails()).containsEntry("unverifiedSubject", "mallory").containsEntry("reason", "token not accepted");
    }

    @Test
    void expiredUnsignedAndNeverExpiringTokensAreRefused() throws Exception {
        String expired = hs256(LifecycleApp.JWT_SECRET, claims("alice", List.of("admin"), Instant.now().minusSeconds(60)));
        String unsigned = new PlainJWT(claims("alice", List.of("admin"), Instant.now().plusSeconds(600))).serialize();
        String noExpiry = hs256(LifecycleApp.JWT_SECRET, new JWTClaimsSet.Builder().subject("alice")
                .claim("roles", List.of("admin")).build());
        String noSubject = hs256(LifecycleApp.JWT_SECRET, new JWTClaimsSet.Builder().claim("roles", List.of("admin"))
                .expirationTime(Date.from(Instant.now().plusSeconds(600))).build());

        assertThat(app.get("/secrets", expired).status()).isEqualTo(401);
        assertThat(app.get("/secrets", unsigned).status()).isEqualTo(401);
        assertThat(app.get("/secrets", noExpiry).status()).isEqualTo(401);
        assertThat(app.get("/secrets", noSubject).status()).isEqualTo(401);
        assertThat(app.get("/secrets", LifecycleApp.token("alice", "viewer")).status()).isEqualTo(200);
    }

    @Test
    void healthMetricsAndTheApiDescriptionNeedNoToken() {
        assertThat(app.get("/health", null).status()).isEqualTo(200);
        Response metrics = app.get("/prometheus", null);
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body()).contains("rekey_secrets_health_status{status=\"healthy\"}",
                "rekey_secrets_lifecycle_state{state=\"activated\"}", "rekey_secrets_expiry_warnings_total{lead_time=\"30d\"}",
                "rekey_secrets_compliance_findings{finding=\"overdue_rotation\"}");
        Response openapi = app.get("/openapi/rekey-lifecycle-service-0.1.yml", null);
        assertThat(openapi.status()).isEqualTo(200);
        assertThat(openapi.body()).contains("/secrets/{id}:rotate", "bearerFormat: JWT");
        assertThat(app.get("/beans", null).status()).isIn(401, 404);
        assertThat(app.get("/env", LifecycleApp.token("root", "admin")).status()).isEqualTo(404);
    }

    private static JWTClaimsSet claims(String subject, List<String> roles, Instant expiry) {
        return new JWTClaimsSet.Builder().subject(subject).claim("roles", roles).expirationTime(Date.from(expiry)).build();
    }

    private static String hs256(String secret, JWTClaimsSet claims) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        return jwt.serialize();
    }
}
