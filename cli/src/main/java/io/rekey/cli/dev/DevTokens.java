package io.rekey.cli.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import io.rekey.cli.CliException;
import io.rekey.cli.RekeyCli;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * HS256 bearer tokens for the dev stack's lifecycle API, with the claims it checks: subject, {@code roles}, issue,
 * not-before and expiry times, and an id. Production tokens come from an identity provider (the service's JWKS
 * setting); this is for the local stack and its shared secret only.
 */
final class DevTokens {

    static final Set<String> ROLES = Set.of("viewer", "operator", "admin");
    static final Duration MAX_TTL = Duration.ofHours(12);

    private DevTokens() {
    }

    static String mint(String secret, String subject, String role, Duration ttl, Instant now) {
        if (!ROLES.contains(role)) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--role must be one of viewer, operator, admin, was '" + role + "'");
        }
        if (ttl.isNegative() || ttl.isZero() || ttl.compareTo(MAX_TTL) > 0) {
            throw new CliException(RekeyCli.EXIT_USAGE, "--ttl must be positive and at most " + MAX_TTL + ", was " + ttl);
        }
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(subject)
                .claim("roles", List.of(role))
                .issueTime(Date.from(now))
                .notBeforeTime(Date.from(now))
                .expirationTime(Date.from(now.plus(ttl)))
                .jwtID(UUID.randomUUID().toString())
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(new MACSigner(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new CliException(RekeyCli.EXIT_FAILED, "cannot sign the token: " + e.getMessage());
        }
        return jwt.serialize();
    }
}
