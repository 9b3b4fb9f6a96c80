package io.rekey.lifecycle.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.server.util.HttpClientAddressResolver;
import io.micronaut.security.authentication.Authentication;
import io.rekey.lifecycle.app.Caller;
import jakarta.inject.Singleton;

/**
 * Who made a request: the token subject and the client address (from the connection, or from a forwarding
 * header only if {@code micronaut.server.client-address-header} is configured for a trusted proxy).
 */
@Singleton
public class Callers {

    private final HttpClientAddressResolver addresses;

    public Callers(HttpClientAddressResolver addresses) {
        this.addresses = addresses;
    }

    public Caller of(Authentication authentication, HttpRequest<?> request) {
        return new Caller(authentication.getName(), address(request), userAgent(request));
    }

    public String address(HttpRequest<?> request) {
        return addresses.resolve(request);
    }

    public static String userAgent(HttpRequest<?> request) {
        String ua = request.getHeaders().get(HttpHeaders.USER_AGENT);
        return ua == null ? null : ua.length() > 200 ? ua.substring(0, 200) : ua;
    }
}
