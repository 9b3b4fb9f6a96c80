package io.rekey.lifecycle.support;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.rekey.lifecycle.security.AuthSettings;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.UUID;

/**
 * Mints HS256 bearer tokens signed with the shared secret the service checks ({@code REKEY_LIFECYCLE_JWT_SECRET}),
 * as {@code rekey dev token} does for the dev stack. Production tokens come from an identity provider (JWKS).
 */
public final class TestTokens {

    private TestTokens() {
    }

    public static String mint(String secret, String subject, List<String> roles, Duration ttl, Instant now) {
        if (secret == null || secret.getBytes(StandardCharsets.UTF_8).length < AuthSettings.MIN_SECRET_BYTES) {
            throw new IllegalArgumentException(AuthSettings.SECRET_SETTING + " must be set and at least "
                    + AuthSettings.MIN_SECRET_BYTES + " bytes long");
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", roles)
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException("cannot sign the token: " + e.getMessage(), e);
        }
        return jwt.serialize();
    }

}
