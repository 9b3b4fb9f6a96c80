package io.rekey.worker.target.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.http.TargetHttp;

import java.net.URI;
import java.net.http.HttpRequest;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.StreamSupport;

/**
 * The Vault calls of the dynamic-secrets workflow, as Vault's HTTP API documents them: read credentials from a
 * secrets engine ({@code GET /v1/<mount>/creds/<role>}), and {@code /v1/sys/leases/renew}, {@code revoke} and
 * {@code revoke-prefix/<prefix>}. Revocations ask for {@code sync=true}, so "revoked" means the credential is gone
 * when the call returns, not queued.
 *
 * <p>On the JDK HTTP client rather than vault-java-driver: the driver's lease calls cannot ask for synchronous
 * revocation and drop Vault's error text, which is what tells an expired lease from an unreachable server. Error
 * texts come from Vault's {@code errors} list, which holds no credentials; a credentials response body is never
 * put in a message.
 */
public final class VaultLeases {

    private final URI address;
    private final String token;
    private final Optional<String> namespace;
    private final TargetHttp http;

    public VaultLeases(URI address, String token, Optional<String> namespace, Duration timeout) {
        this.address = Objects.requireNonNull(address, "address must not be null");
        this.token = Objects.requireNonNull(token, "token must not be null");
        this.namespace = Objects.requireNonNull(namespace, "namespace must not be null");
        this.http = new TargetHttp(timeout);
    }

    /** A lease on dynamic credentials, as Vault issued it. */
    public record Lease(String leaseId, long leaseDurationSeconds, boolean renewable, String username, SecretValue password) {
        @Override
        public String toString() {
            return "Lease[" + leaseId + ", " + leaseDurationSeconds + " s, " + username + ", password redacted]";
        }
    }

    /** The outcome of a renewal: the lease's new duration from now. */
    public record Renewal(String leaseId, long leaseDurationSeconds, boolean renewable, boolean capped) { }

    /** The lease cannot be renewed any more (expired, revoked, unknown or not renewable): Vault's HTTP 400. */
    public static final class LeaseGoneException extends RuntimeException {
        public LeaseGoneException(String message) {
            super(message);
        }
    }

    /** New credentials of {@code role} from the secrets engine at {@code mount}. */
    public Lease issue(String mount, String role) {
        URI uri = URI.create(base() + mount + "/creds/" + TargetHttp.segment(role));
        HttpRequest request = request(uri).GET().build();
        TargetHttp.Response response = http.send(request, "issuing credentials");
        if (!response.ok()) {
            throw failure("issuing credentials of role " + role + " at " + mount, request, response);
        }
        JsonNode body = response.json("issuing credentials");
        JsonNode data = body.path("data");
        String leaseId = body.path("lease_id").asText("");
        if (leaseId.isEmpty() || !data.path("username").isTextual() || !data.path("password").isTextual()) {
            throw TargetException.permanent("issuing credentials of role " + role + " at " + mount
                    + ": Vault's answer has no lease_id, data.username or data.password");
        }
        return new Lease(leaseId, body.path("lease_duration").asLong(0), body.path("renewable").asBoolean(false),
                data.path("username").asText(), SecretValue.of(data.path("password").asText()));
    }

    /**
     * Asks for {@code incrementSeconds} more (0: the role's default TTL). Vault may grant less (the lease's max TTL):
     * {@link Renewal#capped()} says so.
     *
     * @throws LeaseGoneException if the lease cannot be renewed any more
     */
    public Renewal renew(String leaseId, long incrementSeconds) {
        ObjectNode body = TargetHttp.JSON.createObjectNode().put("lease_id", leaseId).put("increment", incrementSeconds);
        HttpRequest request = request(URI.create(base() + "sys/leases/renew")).header("Content-Type", "application/json")
                .PUT(TargetHttp.json(body)).build();
        TargetHttp.Response response = http.send(request, "renewing lease " + leaseId);
        if (response.status() == 400) {
            throw new LeaseGoneException("lease " + leaseId + " cannot be renewed: " + errors(response));
        }
        if (!response.ok()) {
            throw failure("renewing lease " + leaseId, request, response);
        }
        JsonNode answer = response.json("renewing lease " + leaseId);
        long granted = answer.path("lease_duration").asLong(0);
        boolean capped = incrementSeconds > 0 && granted < incrementSeconds
                || StreamSupport.stream(answer.path("warnings").spliterator(), false).anyMatch(w -> w.asText().contains("capped"));
        return new Renewal(answer.path("lease_id").asText(leaseId), granted, answer.path("renewable").asBoolean(false), capped);
    }

    /** Revokes one lease now; a lease Vault no longer knows is already revoked. */
    public void revoke(String leaseId) {
        ObjectNode body = TargetHttp.JSON.createObjectNode().put("lease_id", leaseId).put("sync", true);
        HttpRequest request = request(URI.create(base() + "sys/leases/revoke")).header("Content-Type", "application/json")
                .PUT(TargetHttp.json(body)).build();
        TargetHttp.Response response = http.send(request, "revoking lease " + leaseId);
        if (!response.ok()) {
            throw failure("revoking lease " + leaseId, request, response);
        }
    }

    /** Revokes every lease whose id starts with {@code prefix} now (needs sudo on {@code sys/leases/revoke-prefix}). */
    public void revokePrefix(String prefix) {
        String path = java.util.Arrays.stream(prefix.split("/", -1)).map(TargetHttp::segment).collect(Collectors.joining("/"));
        HttpRequest request = request(URI.create(base() + "sys/leases/revoke-prefix/" + path))
                .header("Content-Type", "application/json")
                .PUT(TargetHttp.json(TargetHttp.JSON.createObjectNode().put("sync", true))).build();
        TargetHttp.Response response = http.send(request, "revoking leases under " + prefix);
        if (!response.ok()) {
            throw failure("revoking leases under " + prefix, request, response);
        }
    }

    private String base() {
        return address.toString().replaceAll("/+$", "") + "/v1/";
    }

    private HttpRequest.Builder request(URI uri) {
        HttpRequest.Builder builder = http.request(uri).header("X-Vault-Token", token).header("X-Vault-Request", "true");
        namespace.ifPresent(ns -> builder.header("X-Vault-Namespace", ns));
        return builder;
    }

    /** Vault's errors: 403 and other client errors are for a person to fix; 5xx, 429 and sealed (503) pass. */
    private static TargetException failure(String what, HttpRequest request, TargetHttp.Response response) {
        TargetException byStatus = TargetHttp.statusFailure(what, request, response.status());
        String message = byStatus.getMessage() + errorsSuffix(response);
        return byStatus.retryable() ? TargetException.retryable(message) : TargetException.permanent(message);
    }

    private static String errorsSuffix(TargetHttp.Response response) {
        String errors = errors(response);
        return errors.isEmpty() ? "" : ": " + errors;
    }

    private static String errors(TargetHttp.Response response) {
        try {
            JsonNode errors = TargetHttp.JSON.readTree(response.body()).path("errors");
            return StreamSupport.stream(errors.spliterator(), false).map(JsonNode::asText).map(e -> e.length() > 200 ? e.substring(0, 200) : e)
                    .collect(Collectors.joining("; "));
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
