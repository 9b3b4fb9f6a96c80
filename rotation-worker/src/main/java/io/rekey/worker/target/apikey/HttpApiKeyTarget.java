package io.rekey.worker.target.apikey;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.Hashes;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.http.TargetHttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API keys of an HTTP service that keeps a set of accepted keys. rekey generates the key and stores it; the service
 * learns it through a small key-management API, identified by the lower-case hex SHA-256 of the key (its "key id"):
 *
 * <pre>
 * PUT    {keysUrl}/{keyId}   {"id":keyId,"algorithm":"SHA-256","hash":keyId,"secretId":...}   2xx: the key is accepted
 * DELETE {keysUrl}/{keyId}                                                                  2xx or 404: it is not
 * GET    {verifyUrl}         with {authHeader}: {authScheme} {key}                          2xx: the key works
 * </pre>
 * The key-management calls carry {@code Authorization: Bearer <admin token>} (the CURRENT value of
 * {@code adminSecretId}). By default the service only ever receives the key's SHA-256, which is all it needs to check
 * a presented key; {@code keyTransport=plaintext} sends {@code "key"} instead of {@code "hash"} for services that
 * insist. PUT and DELETE by id are idempotent, as a repeated step needs.
 *
 * <p><b>GRACE_PERIOD</b> (API keys' usual strategy): deploy adds the new key, so the service accepts old and new;
 * promotion publishes SecretChanged and clients reload; cleanup, when the grace period ends (24 h by default), revokes
 * the old key; rollback revokes the new key and re-adds CURRENT. <b>SINGLE_USER</b>: deploy also revokes CURRENT at
 * once.
 *
 * <p>Target parameters: {@code keysUrl} and {@code verifyUrl} (required), {@code adminSecretId} (absent: no admin
 * authentication), {@code authHeader} (Authorization), {@code authScheme} (Bearer; empty for a bare header such as
 * X-API-Key), {@code keyTransport} (hash or plaintext; hash), {@code keyPrefix} (none; up to 16 letters, digits or
 * '_', so secret scanners can recognise the key), {@code keyLength} (40 random letters and digits; 32..128),
 * {@code allowInsecureHttp} (false).
 */
public final class HttpApiKeyTarget implements RotationTarget {

    private static final Pattern HEADER = Pattern.compile("[A-Za-z0-9-]{1,64}");
    private static final Pattern PREFIX = Pattern.compile("[A-Za-z0-9_]{0,16}");

    private final TargetHttp http = new TargetHttp(Duration.ofSeconds(10));

    @Override
    public TargetKind kind() {
        return TargetKind.HTTP_API_KEY;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return new CredentialPolicy(TargetParams.of(descriptor).integer("keyLength", 40, 32, 128), CredentialPolicy.ALPHANUMERIC);
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.GRACE_PERIOD, RotationStrategy.SINGLE_USER);
        TargetParams params = TargetParams.of(descriptor);
        params.httpUrl("keysUrl", null);
        params.httpUrl("verifyUrl", null);
        params.matching("authHeader", "Authorization", HEADER, "an HTTP header name");
        params.matching("authScheme", "Bearer", Pattern.compile("[A-Za-z0-9-]{0,32}"), "an HTTP auth scheme or empty");
        params.oneOf("keyTransport", "hash", "hash", "plaintext");
        params.matching("keyPrefix", "", PREFIX, "at most 16 letters, digits or '_'");
        credentialPolicy(descriptor);
    }

    @Override
    public SecretValue generate(TargetContext context, CredentialGenerator generator) {
        String prefix = context.parameters().optional("keyPrefix", "");
        try (SecretValue random = generator.generate(credentialPolicy(context.descriptor()))) {
            if (prefix.isEmpty()) {
                return SecretValue.ofUtf8(random.utf8());
            }
            char[] key = random.asChars();
            char[] full = new char[prefix.length() + key.length];
            prefix.getChars(0, prefix.length(), full, 0);
            System.arraycopy(key, 0, full, prefix.length(), key.length);
            try {
                return SecretValue.of(full);
            } finally {
                Arrays.fill(key, '\0');
                Arrays.fill(full, '\0');
            }
        }
    }

    @Override
    public void deploy(TargetContext context) {
        SecretValue pending = context.requirePending();
        register(context, pending, "deploy");
        if (context.descriptor().getStrategy() == RotationStrategy.SINGLE_USER) {
            context.current().filter(c -> !c.sameAs(pending)).ifPresent(c -> revoke(context, c, "deploy"));
        }
    }

    @Override
    public void verify(TargetContext context) {
        TargetParams params = context.parameters();
        String scheme = params.optional("authScheme", "Bearer");
        String key = context.requirePending().reveal();
        HttpRequest request = http.request(params.httpUrl("verifyUrl", null))
                .header(params.optional("authHeader", "Authorization"), scheme.isEmpty() ? key : scheme + " " + key)
                .GET().build();
        TargetHttp.Response response = http.send(request, "verify");
        if (response.status() == 401 || response.status() == 403) {
            throw TargetException.retryable("verify: the service refused the new key (HTTP " + response.status() + ")");
        }
        if (!response.ok()) {
            throw TargetHttp.statusFailure("verify: calling the service with the new key", request, response.status());
        }
    }

    @Override
    public void rollback(TargetContext context) {
        Optional<SecretValue> current = context.current();
        current.ifPresent(c -> register(context, c, "rollback"));
        context.pending().filter(p -> current.isEmpty() || !p.sameAs(current.get())).ifPresent(p -> revoke(context, p, "rollback"));
    }

    @Override
    public void cleanup(TargetContext context) {
        context.previous().filter(p -> context.current().isEmpty() || !p.sameAs(context.current().get()))
                .ifPresent(p -> revoke(context, p, "cleanup"));
    }

    private void register(TargetContext context, SecretValue key, String operation) {
        TargetParams params = context.parameters();
        String id = keyId(key);
        ObjectNode body = TargetHttp.JSON.createObjectNode();
        body.put("id", id);
        if (params.optional("keyTransport", "hash").equals("plaintext")) {
            body.put("key", key.reveal());
        } else {
            body.put("algorithm", "SHA-256");
            body.put("hash", id);
        }
        body.put("secretId", context.secretId());
        HttpRequest request = admin(context, TargetHttp.under(params.httpUrl("keysUrl", null), id))
                .header("Content-Type", "application/json").PUT(TargetHttp.json(body)).build();
        TargetHttp.Response response = http.send(request, operation + ": registering a key");
        if (!response.ok()) {
            throw TargetHttp.statusFailure(operation + ": registering a key", request, response.status());
        }
    }

    private void revoke(TargetContext context, SecretValue key, String operation) {
        HttpRequest request = admin(context, TargetHttp.under(context.parameters().httpUrl("keysUrl", null), keyId(key))).DELETE().build();
        TargetHttp.Response response = http.send(request, operation + ": revoking a key");
        if (!response.ok() && response.status() != 404) {
            throw TargetHttp.statusFailure(operation + ": revoking a key", request, response.status());
        }
    }

    private HttpRequest.Builder admin(TargetContext context, URI uri) {
        HttpRequest.Builder builder = http.request(uri);
        try (SecretValue token = context.adminPassword()) {
            if (token != null) {
                builder.header("Authorization", "Bearer " + token.reveal());
            }
        }
        return builder;
    }

    /** The lower-case hex SHA-256 of the key: how the service and rekey name a key without holding it. */
    public static String keyId(SecretValue key) {
        return Hashes.sha256Hex(key);
    }
}
