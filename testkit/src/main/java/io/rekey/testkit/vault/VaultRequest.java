package io.rekey.testkit.vault;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.Map;

/**
 * One authenticated request, as a Vault backend sees it: Vault's logical operation (not the HTTP method),
 * the path below the backend's mount, the query parameters and the JSON body (an empty object when none).
 */
record VaultRequest(Operation operation, String path, Map<String, String> query, JsonNode body) {

    /** Vault's logical operations: GET is read (or list with {@code ?list=true}), POST and PUT are update. */
    enum Operation { READ, LIST, UPDATE, DELETE }
}
