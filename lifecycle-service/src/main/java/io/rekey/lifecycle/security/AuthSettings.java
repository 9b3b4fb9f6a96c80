package io.rekey.lifecycle.security;

import java.net.URI;
import java.nio.charset.StandardCharsets;

/**
 * How bearer tokens are checked, validated at start-up.
 *
 * @param jwtSecret HS256 shared secret (dev and tests); null when tokens are checked against a JWKS only
 * @param jwksUrl   URL of the identity provider's JSON Web Key Set (production); null when not used
 * @param issuer    required {@code iss}, or null to accept any
 * @param audience  required {@code aud} entry, or null to accept any
 */
public record AuthSettings(String jwtSecret, URI jwksUrl, String issuer, String audience) {

    /** RFC 7518 3.2: an HS256 key must be at least as long as the hash, 256 bits. */
    public static final int MIN_SECRET_BYTES = 32;

    public static final String SECRET_SETTING = "rekey.lifecycle.auth.jwt-secret (REKEY_LIFECYCLE_JWT_SECRET)";
    public static final String JWKS_SETTING = "rekey.lifecycle.auth.jwks-url (REKEY_LIFECYCLE_JWKS_URL)";

    public AuthSettings {
        if (jwtSecret == null && jwksUrl == null) {
            throw new IllegalStateException("no way to check bearer tokens: set " + SECRET_SETTING
                    + " (HS256 shared secret, at least " + MIN_SECRET_BYTES + " bytes) or " + JWKS_SETTING
                    + " (the identity provider's JWKS)");
        }
        if (jwtSecret != null && jwtSecret.getBytes(StandardCharsets.UTF_8).length < MIN_SECRET_BYTES) {
            throw new IllegalStateException(SECRET_SETTING + " is too short: HS256 needs at least " + MIN_SECRET_BYTES
                    + " bytes (256 bits); generate one with `openssl rand -base64 48`");
        }
        if (jwksUrl != null && !"https".equals(jwksUrl.getScheme()) && !isLoopback(jwksUrl)) {
            throw new IllegalStateException(JWKS_SETTING + " must be an https URL (plain http only on loopback), was " + jwksUrl);
        }
    }

    private static boolean isLoopback(URI url) {
        return "http".equals(url.getScheme()) && ("127.0.0.1".equals(url.getHost()) || "localhost".equals(url.getHost())
                || "[::1]".equals(url.getHost()));
    }
}
