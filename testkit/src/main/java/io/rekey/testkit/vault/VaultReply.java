package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.UUID;

/**
 * What Vault answers: a status and a JSON body, or no body (204). Successful reads are wrapped in Vault's
 * response envelope; errors are {@code {"errors":[...]}}, and a missing secret is 404 with an empty list.
 */
record VaultReply(int status, JsonNode body) {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    static VaultReply ok(JsonNode data) {
        ObjectNode envelope = JSON.objectNode();
        envelope.put("request_id", UUID.randomUUID().toString());
        envelope.put("lease_id", "");
        envelope.put("renewable", false);
        envelope.put("lease_duration", 0);
        envelope.set("data", data);
        envelope.putNull("wrap_info");
        envelope.putNull("warnings");
        envelope.putNull("auth");
        return new VaultReply(200, envelope);
    }

    /** Vault's answer to a successful write that returns nothing. */
    static VaultReply noContent() {
        return new VaultReply(204, null);
    }

    /** A missing secret, version or listing: 404 with no error text, as Vault sends it. */
    static VaultReply notFound() {
        return error(404);
    }

    /** 404 that still carries data, as Vault answers a read of a deleted or destroyed version. */
    static VaultReply notFound(JsonNode data) {
        return new VaultReply(404, ok(data).body());
    }

    static VaultReply error(int status, String... errors) {
        ObjectNode body = JSON.objectNode();
        body.putArray("errors").addAll(java.util.Arrays.stream(errors).map(JSON::textNode).toList());
        return new VaultReply(status, body);
    }

    static VaultReply badRequest(String error) {
        return error(400, error);
    }
}
