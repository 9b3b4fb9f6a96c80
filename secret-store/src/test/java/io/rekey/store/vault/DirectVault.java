package io.rekey.store.vault;

import io.github.jopenlibs.vault.Vault;
import io.github.jopenlibs.vault.VaultConfig;
import io.github.jopenlibs.vault.VaultException;
import io.github.jopenlibs.vault.api.Logical;
import io.github.jopenlibs.vault.json.Json;
import io.github.jopenlibs.vault.json.JsonObject;
import io.github.jopenlibs.vault.response.LogicalResponse;
import io.rekey.testkit.vault.VaultKvStandIn;

import java.nio.charset.StandardCharsets;
import java.util.Map;

/** What an application or a person does with Vault directly, with the same driver and no rekey in between. */
final class DirectVault {

    private final Logical kv;
    private final Logical exactPaths;
    private final String mount;

    DirectVault(VaultKvStandIn vault, String mount) {
        this.mount = mount;
        try {
            this.kv = Vault.create(new VaultConfig().address(vault.address()).token(vault.rootToken())
                    .prefixPathDepth(mount.split("/").length).engineVersion(2).build()).logical();
            this.exactPaths = Vault.create(new VaultConfig().address(vault.address()).token(vault.rootToken())
                    .engineVersion(1).build()).logical();
        } catch (VaultException e) {
            throw new IllegalStateException(e);
        }
    }

    /** {@code vault kv get}: the latest version's data, as every default reader gets it. */
    Map<String, String> latest(String key) {
        LogicalResponse response = call(() -> kv.read(mount + "/" + key));
        return response.getRestResponse().getStatus() == 200 ? response.getData() : Map.of();
    }

    /** {@code vault kv put} without check-and-set. */
    void put(String key, Map<String, Object> data) {
        int status = call(() -> kv.write(mount + "/" + key, data)).getRestResponse().getStatus();
        if (status != 200) {
            throw new IllegalStateException("write refused: HTTP " + status);
        }
    }

    /** {@code vault kv metadata get}: the {@code data} object. */
    JsonObject metadata(String key) {
        return body(call(() -> exactPaths.read(mount + "/metadata/" + key))).get("data").asObject();
    }

    /** {@code vault kv metadata put}. */
    void putMetadata(String key, Map<String, Object> fields) {
        call(() -> exactPaths.write(mount + "/metadata/" + key, fields));
    }

    /** {@code GET <mount>/data/<key>?version=N}: the whole answer, with its status. */
    JsonObject version(String key, int version) {
        LogicalResponse response = call(() -> kv.read(mount + "/" + key, true, version));
        return Json.object().add("status", response.getRestResponse().getStatus()).add("body", body(response));
    }

    void configureMount(Map<String, Object> fields) {
        call(() -> exactPaths.write(mount + "/config", fields));
    }

    private static JsonObject body(LogicalResponse response) {
        return Json.parse(new String(response.getRestResponse().getBody(), StandardCharsets.UTF_8)).asObject();
    }

    private static LogicalResponse call(DriverCall call) {
        try {
            return call.run();
        } catch (VaultException e) {
            throw new IllegalStateException(e);
        }
    }

    private interface DriverCall {
        LogicalResponse run() throws VaultException;
    }
}
