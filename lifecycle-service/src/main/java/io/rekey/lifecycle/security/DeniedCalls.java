package io.rekey.lifecycle.security;

import com.nimbusds.jwt.JWTParser;
import io.micronaut.context.annotation.Replaces;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Produces;
import io.micronaut.http.server.exceptions.ExceptionHandler;
import io.micronaut.security.authentication.Authentication;
import io.micronaut.security.authentication.AuthorizationException;
import io.micronaut.security.authentication.DefaultAuthorizationExceptionHandler;
import io.rekey.lifecycle.api.Callers;
import io.rekey.lifecycle.api.Problem;
import io.rekey.lifecycle.api.RequestActions;
import io.rekey.lifecycle.app.AccessAudit;
import jakarta.inject.Singleton;

import java.text.ParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Refused calls: answers 401 (no or unacceptable token, with an RFC 6750 {@code WWW-Authenticate} challenge) or
 * 403 (role too low) as problem JSON, and writes each refusal to the access log as a DENIED access event
 * (principal: the token subject, or {@code anonymous}). For a token that was presented but not accepted the
 * subject it claims is recorded as unverified, which helps tell a stolen, expired token from a scan.
 */
@Singleton
@Replaces(DefaultAuthorizationExceptionHandler.class)
@Produces(Problem.MEDIA_TYPE)
public class DeniedCalls implements ExceptionHandler<AuthorizationException, MutableHttpResponse<?>> {

    private static final String BEARER = "Bearer ";

    private final AccessAudit audit;
    private final Callers callers;

    public DeniedCalls(AccessAudit audit, Callers callers) {
        this.audit = audit;
        this.callers = callers;
    }

    @Override
    public MutableHttpResponse<?> handle(HttpRequest request, AuthorizationException exception) {
        HttpRequest<?> req = request;
        String path = req.getPath();
        String method = req.getMethodName();
        String authorization = req.getHeaders().get(HttpHeaders.AUTHORIZATION);
        boolean tokenPresented = authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length());
        Authentication authentication = exception.getAuthentication();
        boolean forbidden = exception.isForbidden() && authentication != null;

        Map<String, String> details = new LinkedHashMap<>();
        details.put("status", forbidden ? "403" : "401");
        details.put("method", method);
        details.put("path", path);
        String detail;
        if (forbidden) {
            List<String> roles = List.copyOf(authentication.getRoles());
            details.put("reason", "role not sufficient");
            details.put("roles", String.join(",", roles));
            detail = "your roles " + roles + " do not allow " + method + " " + path
                    + "; roles are viewer (read), operator (change, rotate), admin (revoke, delete, emergency mode)";
        } else if (tokenPresented) {
            details.put("reason", "token not accepted");
            String claimed = unverifiedSubject(authorization.substring(BEARER.length()).trim());
            if (claimed != null) {
                details.put("unverifiedSubject", claimed);
            }
            detail = "the bearer token was not accepted (bad signature, expired, wrong issuer or audience, or missing sub or exp)";
        } else {
            details.put("reason", "no token");
            detail = "authentication required: send a bearer token (Authorization: Bearer <JWT>)";
        }
        audit.denied(forbidden ? authentication.getName() : AccessAudit.ANONYMOUS, RequestActions.secretId(path),
                RequestActions.action(method, path), callers.address(req), Callers.userAgent(req), details);

        Problem problem = forbidden
                ? Problem.of(403, "forbidden", "Forbidden", detail, path)
                : Problem.of(401, "unauthorized", "Unauthorized", detail, path);
        MutableHttpResponse<Problem> response = HttpResponse.<Problem>status(forbidden
                ? io.micronaut.http.HttpStatus.FORBIDDEN : io.micronaut.http.HttpStatus.UNAUTHORIZED)
                .contentType(Problem.MEDIA_TYPE).body(problem);
        if (forbidden) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rekey\", error=\"insufficient_scope\"");
        } else if (tokenPresented) {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rekey\", error=\"invalid_token\"");
        } else {
            response.header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"rekey\"");
        }
        return response;
    }

    /** The subject a token claims, without trusting it; null if it cannot be read. Never logs the token. */
    private static String unverifiedSubject(String token) {
        if (token.length() > 8192) {
            return null;
        }
        try {
            return JWTParser.parse(token).getJWTClaimsSet().getSubject();
        } catch (ParseException | RuntimeException e) {
            return null;
        }
    }
}
