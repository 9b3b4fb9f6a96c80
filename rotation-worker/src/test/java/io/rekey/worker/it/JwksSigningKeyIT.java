package io.rekey.worker.it;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.factories.DefaultJWSSignerFactory;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.source.ImmutableJWKSet;
import com.nimbusds.jose.proc.BadJOSEException;
import com.nimbusds.jose.proc.JWSVerificationKeySelector;
import com.nimbusds.jose.proc.SecurityContext;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.nimbusds.jwt.proc.DefaultJWTProcessor;
import com.sun.net.httpserver.HttpServer;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.worker.app.TargetGates;
import io.rekey.store.SecretValue;
import io.rekey.store.Label;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.text.ParseException;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import static io.rekey.worker.it.WorkerHarness.last;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * JWT signing keys with DUAL_KEY: the worker writes JWKS documents to a directory that a small web server (standing for
 * the CDN or the lifecycle service) serves to verifiers; tokens are signed and verified with nimbus-jose-jwt.
 */
@RekeyIntegrationTest
class JwksSigningKeyIT extends TargetWorkerIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private final Path directory = tempDirectory();
    private final JwksServer server = new JwksServer(directory);

    @Override
    String instanceId() {
        return "it-jwks";
    }

    @Override
    Map<String, Object> settings() {
        return Map.of("rekey.worker.targets.jwks.directory", directory.toString());
    }

    @AfterAll
    void stopServer() {
        server.close();
    }

    @Test
    void theNewKeyIsPublishedBeforeItSignsOldTokensVerifyThroughTheGraceAndFailAfter() throws Exception {
        String name = "orders-" + System.nanoTime();
        ECKey initial = newKey();
        publish(name, initial);
        try (LogCapture logs = LogCapture.start()) {
            WorkerHarness.Registered secret = register(name, initial);
            String oldToken = sign(initial, "issued-before-the-rotation");
            assertThat(verifies(name, oldToken)).isTrue();
            TargetGates.Gate beforeVerify = TargetGates.hold(secret.secretId(), "verify");
            TargetGates.Gate beforeCleanup = TargetGates.hold(secret.secretId(), "cleanup");
            RotationCommand command = harness.command(secret.secretId(), RotationReason.SCHEDULED, Duration.ofSeconds(1));
            harness.send(command);

            beforeVerify.awaitEntered(WAIT);
            JWK pending = JWK.parse(harness.value(secret, command.getRotationId()));
            assertThat(served(name).getKeyByKeyId(pending.getKeyID())).as("published before anything signs with it").isNotNull();
            assertThat(harness.store.describe(secret.storePath()).orElseThrow().labels()).containsEntry(Label.CURRENT, "v0");
            beforeVerify.release();

            beforeCleanup.awaitEntered(WAIT);
            JWK current = JWK.parse(harness.value(secret, Label.CURRENT));
            assertThat(current.getKeyID()).isEqualTo(pending.getKeyID()).isEqualTo(current.computeThumbprint().toString());
            String newToken = sign(current, "issued-after-the-rotation");
            assertThat(verifies(name, newToken)).isTrue();
            assertThat(verifies(name, oldToken)).as("tokens of the old key verify during the grace period").isTrue();
            beforeCleanup.release();

            assertThat(last(harness.eventsUntil(command.getRotationId(), WAIT, RotationPhase.SUCCEEDED, RotationPhase.FAILED)))
                    .isEqualTo(RotationPhase.SUCCEEDED);
            assertThat(verifies(name, newToken)).isTrue();
            assertThat(verifies(name, oldToken)).as("the old key left the JWKS when the grace period ended").isFalse();
            String document = Files.readString(directory.resolve(name + ".json"));
            assertThat(JWKSet.parse(document).getKeys()).extracting(JWK::getKeyID).containsExactly(current.getKeyID());
            assertThat(document).as("public keys only").doesNotContain("\"d\"");
            logs.assertNoneOf(((ECKey) current).getD().toString(), initial.getD().toString());
        }
    }

    @Test
    void aJwksTheVerifiersDoNotGetYetMakesVerifyFailAndTheRollbackUnpublishesTheNewKey() throws Exception {
        String name = "billing-" + System.nanoTime();
        ECKey initial = newKey();
        publish(name, initial);
        WorkerHarness.Registered secret = register(name, initial);
        server.freeze(name); // the CDN keeps serving the document it has cached

        List<RotationEvent> events = harness.rotate(harness.command(secret.secretId(), RotationReason.MANUAL), WAIT);

        assertThat(events).extracting(RotationEvent::getPhase).containsSubsequence(RotationPhase.DEPLOYED, RotationPhase.ROLLING_BACK,
                RotationPhase.ROLLED_BACK, RotationPhase.FAILED);
        assertThat(events.get(events.size() - 1).getError()).contains("the published JWKS has no key");
        server.thaw(name);
        assertThat(served(name).getKeys()).extracting(JWK::getKeyID).containsExactly(initial.getKeyID());
        assertThat(verifies(name, sign(initial, "still-the-signing-key"))).isTrue();
    }

    private WorkerHarness.Registered register(String name, ECKey initial) {
        return harness.register("it/jwks/" + name, TargetKind.JWT_SIGNING_KEY, RotationStrategy.DUAL_KEY,
                Map.of("jwks", name, "alg", "ES256", "jwksUrl", server.url(name)), SecretValue.of(initial.toJSONString()));
    }

    private void publish(String name, ECKey key) throws IOException {
        Files.writeString(directory.resolve(name + ".json"), new JWKSet(key.toPublicJWK()).toString(true));
    }

    private static ECKey newKey() throws JOSEException {
        return new ECKeyGenerator(Curve.P_256).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).keyIDFromThumbprint(true).generate();
    }

    private static String sign(JWK key, String subject) throws JOSEException {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.ES256).keyID(key.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject(subject).issuer("orders").expirationTime(Date.from(Instant.now().plusSeconds(600))).build());
        jwt.sign(new DefaultJWSSignerFactory().createJWSSigner(key, JWSAlgorithm.ES256));
        return jwt.serialize();
    }

    /** What a verifier does: fetch the JWKS where it is served and check the token against it. */
    private boolean verifies(String name, String token) throws Exception {
        DefaultJWTProcessor<SecurityContext> processor = new DefaultJWTProcessor<>();
        processor.setJWSKeySelector(new JWSVerificationKeySelector<>(JWSAlgorithm.ES256, new ImmutableJWKSet<>(served(name))));
        try {
            processor.process(token, null);
            return true;
        } catch (BadJOSEException e) {
            return false;
        }
    }

    private JWKSet served(String name) throws IOException, InterruptedException, ParseException {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(server.url(name))).GET().build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return JWKSet.parse(response.body());
    }

    private static Path tempDirectory() {
        try {
            return Files.createTempDirectory("jwks-it");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Serves {@code <directory>/<name>.json} at {@code /<name>/jwks.json}; a frozen document is served as it was when frozen. */
    private static final class JwksServer implements AutoCloseable {
        private final HttpServer http;
        private final Map<String, byte[]> frozen = new ConcurrentHashMap<>();
        private final Path directory;

        JwksServer(Path directory) {
            this.directory = directory;
            try {
                http = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            http.createContext("/", exchange -> {
                try (exchange) {
                    String name = exchange.getRequestURI().getPath().replaceFirst("^/", "").replaceFirst("/jwks\\.json$", "");
                    byte[] body;
                    try {
                        body = frozen.containsKey(name) ? frozen.get(name) : Files.readAllBytes(directory.resolve(name + ".json"));
                    } catch (NoSuchFileException e) {
                        exchange.sendResponseHeaders(404, -1);
                        return;
                    }
                    exchange.getResponseHeaders().set("Content-Type", "application/jwk-set+json");
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                }
            });
            http.start();
        }

        String url(String name) {
            return "http://127.0.0.1:" + http.getAddress().getPort() + "/" + name + "/jwks.json";
        }

        void freeze(String name) throws IOException {
            frozen.put(name, Files.readString(directory.resolve(name + ".json")).getBytes(StandardCharsets.UTF_8));
        }

        void thaw(String name) {
            frozen.remove(name);
        }

        @Override
        public void close() {
            http.stop(0);
        }
    }
}
