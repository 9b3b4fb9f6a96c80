package io.rekey.lifecycle.it;

import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import com.sun.net.httpserver.HttpServer;
import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The production way to check tokens: RS256 tokens of an identity provider whose keys the service fetches from its
 * JWKS URL, with the issuer and audience required. A small HTTP server in the test plays the identity provider.
 */
@RekeyIntegrationTest
class JwksIT {

    private static final String ISSUER = "https://idp.rekey.test";
    private static RSAKey idpKey;
    private static HttpServer idp;
    private static LifecycleApp app;

    @BeforeAll
    static void start(RekeyStack stack) throws Exception {
        idpKey = new RSAKeyGenerator(2048).keyID("idp-1").generate();
        byte[] jwks = new JWKSet(idpKey.toPublicJWK()).toString().getBytes(StandardCharsets.UTF_8);
        idp = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        idp.createContext("/.well-known/jwks.json", exchange -> {
            exchange.getResponseHeaders().add("Content-Type", "application/json");
            exchange.sendResponseHeaders(200, jwks.length);
            exchange.getResponseBody().write(jwks);
            exchange.close();
        });
        idp.start();
        Map<String, Object> settings = LifecycleApp.settings(stack);
        settings.remove("rekey.lifecycle.auth.jwt-secret");
        settings.put("rekey.lifecycle.auth.jwks-url", "http://127.0.0.1:" + idp.getAddress().getPort() + "/.well-known/jwks.json");
        settings.put("rekey.lifecycle.auth.issuer", ISSUER);
        settings.put("rekey.lifecycle.auth.audience", "rekey-lifecycle");
        app = LifecycleApp.start(settings);
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (idp != null) {
            idp.stop(0);
        }
    }

    private static String rs256(String issuer, String audience) throws Exception {
        SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(idpKey.getKeyID()).build(),
                new JWTClaimsSet.Builder().subject("carol@corp").issuer(issuer).audience(audience)
                        .claim("roles", List.of("viewer")).expirationTime(Date.from(Instant.now().plusSeconds(300))).build());
        jwt.sign(new RSASSASigner(idpKey));
        return jwt.serialize();
    }

    @Test
    void tokensOfTheIdentityProviderAreAcceptedWithTheRightIssuerAndAudience() throws Exception {
        assertThat(app.get("/secrets", rs256(ISSUER, "rekey-lifecycle")).status()).isEqualTo(200);
        assertThat(app.get("/secrets", rs256(ISSUER, "another-api")).status()).isEqualTo(401);
        assertThat(app.get("/secrets", rs256("https://evil.test", "rekey-lifecycle")).status()).isEqualTo(401);
    }

    @Test
    void sharedSecretTokensAreNotAcceptedWhenOnlyTheJwksIsConfigured() {
        assertThat(app.get("/secrets", LifecycleApp.token("alice", "admin")).status()).isEqualTo(401);
    }
}
