package io.rekey.lifecycle.security;

import com.nimbusds.jose.JWSAlgorithm;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Requires;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.security.token.jwt.signature.SignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfiguration;
import io.micronaut.security.token.jwt.signature.jwks.JwksSignatureConfigurationProperties;
import io.micronaut.security.token.jwt.signature.secret.SecretSignature;
import io.micronaut.security.token.jwt.signature.secret.SecretSignatureConfiguration;
import jakarta.inject.Named;
import jakarta.inject.Singleton;

import java.net.URI;

/**
 * The signatures bearer tokens must carry: HS256 with the shared secret and/or RS/ES keys from a JWKS URL.
 * Configured from {@code rekey.lifecycle.auth.*} (not Micronaut's own keys) so the service's settings stay in one
 * place and are validated at start-up with messages naming them.
 */
@Factory
public class TokenChecks {

    @Context
    @Singleton
    AuthSettings authSettings(@Nullable @Value("${rekey.lifecycle.auth.jwt-secret:}") String secret,
                              @Nullable @Value("${rekey.lifecycle.auth.jwks-url:}") String jwksUrl,
                              @Nullable @Value("${rekey.lifecycle.auth.issuer:}") String issuer,
                              @Nullable @Value("${rekey.lifecycle.auth.audience:}") String audience) {
        URI jwks = null;
        if (blank(jwksUrl) == null) {
            jwks = null;
        } else {
            try {
                jwks = URI.create(jwksUrl.trim());
            } catch (IllegalArgumentException e) {
                throw new IllegalStateException(AuthSettings.JWKS_SETTING + " is not a URL: " + jwksUrl);
            }
        }
        return new AuthSettings(blank(secret), jwks, blank(issuer), blank(audience));
    }

    @Singleton
    @Named("rekey-hs256")
    @Requires(property = "rekey.lifecycle.auth.jwt-secret", pattern = ".+")
    SignatureConfiguration sharedSecret(AuthSettings settings) {
        SecretSignatureConfiguration config = new SecretSignatureConfiguration("rekey-hs256");
        config.setSecret(settings.jwtSecret());
        config.setJwsAlgorithm(JWSAlgorithm.HS256);
        return new SecretSignature(config);
    }

    /**
     * The identity provider's key set; Micronaut Security builds the (reactive, cached) JWKS signature check from it,
     * refreshing the keys when a token names a key id it has not seen (key rotation at the provider).
     */
    @Singleton
    @Named("rekey-jwks")
    @Requires(property = "rekey.lifecycle.auth.jwks-url", pattern = ".+")
    JwksSignatureConfiguration jwks(AuthSettings settings) {
        JwksSignatureConfigurationProperties config = new JwksSignatureConfigurationProperties("rekey-jwks");
        config.setUrl(settings.jwksUrl().toString());
        return config;
    }

    private static String blank(String value) {
        return value == null || value.isBlank() ? null : value.trim();
    }
}
