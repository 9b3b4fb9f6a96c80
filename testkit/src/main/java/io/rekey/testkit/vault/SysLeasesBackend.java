package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * {@code sys/leases} as Vault's API reference documents it ("/sys/leases"): {@code lookup} (and {@code LIST lookup/<prefix>}),
 * {@code renew} and
 * {@code revoke} take {@code lease_id} in the JSON body or, for renew and revoke, as the rest of the path (the body
 * wins); {@code revoke-prefix/<prefix>} revokes every lease under the prefix. Renew answers with the lease envelope
 * ({@code lease_id}, {@code renewable}, {@code lease_duration}, and a warning when the max TTL capped it), revocations
 * with 204, refused renewals with 400 and Vault's texts ("lease not found or lease is not renewable", "lease expired").
 * Revocation is always synchronous here, so {@code sync} is accepted and changes nothing.
 */
final class SysLeasesBackend implements VaultBackend, AutoCloseable {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final LeaseTable leases;

    SysLeasesBackend(LeaseTable leases) {
        this.leases = leases;
    }

    @Override
    public VaultReply handle(VaultRequest request) {
        if (request.operation() == VaultRequest.Operation.LIST && request.path().startsWith("lookup/")) {
            return list(request.path().substring("lookup/".length()));
        }
        if (request.operation() != VaultRequest.Operation.UPDATE) {
            return VaultReply.error(405, "unsupported operation");
        }
        String path = request.path();
        if (path.equals("lookup")) {
            return lookup(request.body().path("lease_id").asText(""));
        }
        if (path.equals("renew") || path.startsWith("renew/")) {
            return renew(leaseId(request, "renew"), request.body().path("increment").asLong(0));
        }
        if (path.equals("revoke") || path.startsWith("revoke/")) {
            String id = leaseId(request, "revoke");
            if (id.isEmpty()) {
                return VaultReply.badRequest("missing lease ID");
            }
            leases.revoke(id);
            return VaultReply.noContent();
        }
        if (path.startsWith("revoke-prefix/")) {
            leases.revokePrefix(path.substring("revoke-prefix/".length()));
            return VaultReply.noContent();
        }
        return VaultReply.error(404, "no handler for route \"sys/leases/" + path + "\". route entry not found.");
    }

    /** {@code LIST sys/leases/lookup/<prefix>}: the ids under the prefix, relative to it; 404 when there are none. */
    private VaultReply list(String prefix) {
        List<String> keys = leases.ids().stream().filter(id -> id.startsWith(prefix)).map(id -> id.substring(prefix.length())).toList();
        if (keys.isEmpty()) {
            return VaultReply.notFound();
        }
        ObjectNode data = JSON.objectNode();
        keys.forEach(data.putArray("keys")::add);
        return VaultReply.ok(data);
    }

    private VaultReply lookup(String id) {
        return leases.lookup(id).map(lease -> {
            ObjectNode data = JSON.objectNode();
            data.put("id", lease.id());
            data.put("issue_time", lease.issued().toString());
            data.put("expire_time", lease.expires().toString());
            if (lease.lastRenewal() == null) {
                data.putNull("last_renewal_time");
            } else {
                data.put("last_renewal_time", lease.lastRenewal().toString());
            }
            data.put("renewable", lease.renewable());
            data.put("ttl", Math.max(0, Duration.between(leases.now(), lease.expires()).toSeconds()));
            return VaultReply.ok(data);
        }).orElseGet(() -> VaultReply.badRequest("invalid lease"));
    }

    private VaultReply renew(String id, long incrementSeconds) {
        if (id.isEmpty()) {
            return VaultReply.badRequest("lease_id must be specified");
        }
        try {
            LeaseTable.Renewal renewed = leases.renew(id, Duration.ofSeconds(Math.max(0, incrementSeconds)));
            LeaseTable.Lease lease = renewed.lease();
            long duration = renewed.granted().toSeconds();
            ObjectNode envelope = JSON.objectNode();
            envelope.put("request_id", UUID.randomUUID().toString());
            envelope.put("lease_id", lease.id());
            envelope.put("renewable", lease.renewable());
            envelope.put("lease_duration", duration);
            envelope.putNull("data");
            envelope.putNull("wrap_info");
            if (renewed.capped()) {
                envelope.putArray("warnings").add("TTL of \"" + incrementSeconds + "s\" exceeded the effective max_ttl of \"" + duration
                        + "s\"; TTL value is capped accordingly");
            } else {
                envelope.putNull("warnings");
            }
            envelope.putNull("auth");
            return new VaultReply(200, envelope);
        } catch (LeaseTable.RenewRefused e) {
            return VaultReply.badRequest(e.getMessage());
        }
    }

    /** {@code lease_id} from the body, else from the path after {@code <operation>/}. */
    private static String leaseId(VaultRequest request, String operation) {
        JsonNode body = request.body().path("lease_id");
        if (body.isTextual() && !body.asText().isEmpty()) {
            return body.asText();
        }
        String path = request.path();
        return path.length() > operation.length() + 1 ? path.substring(operation.length() + 1) : "";
    }

    @Override
    public void close() {
        leases.close();
    }
}
