package io.rekey.lifecycle.security;

import io.micronaut.security.token.Claims;
import io.micronaut.security.token.jwt.validator.GenericJwtClaimsValidator;
import jakarta.inject.Singleton;

import java.util.Collection;
import java.util.Objects;

/**
 * Claims every token must carry beyond a valid signature: a subject (the actor recorded on every change), an
 * expiry (a token without one would be valid forever), and the configured issuer and audience.
 */
@Singleton
public class RequiredClaims<T> implements GenericJwtClaimsValidator<T> {

    private final AuthSettings settings;

    public RequiredClaims(AuthSettings settings) {
        this.settings = settings;
    }

    @Override
    public boolean validate(Claims claims, T request) {
        Object subject = claims.get(Claims.SUBJECT);
        if (subject == null || subject.toString().isBlank() || claims.get(Claims.EXPIRATION_TIME) == null) {
            return false;
        }
        if (settings.issuer() != null && !Objects.equals(settings.issuer(), String.valueOf(claims.get(Claims.ISSUER)))) {
            return false;
        }
        if (settings.audience() != null) {
            Object aud = claims.get(Claims.AUDIENCE);
            if (aud instanceof Collection<?> many) {
                return many.stream().anyMatch(a -> settings.audience().equals(String.valueOf(a)));
            }
            return settings.audience().equals(String.valueOf(aud));
        }
        return true;
    }
}
