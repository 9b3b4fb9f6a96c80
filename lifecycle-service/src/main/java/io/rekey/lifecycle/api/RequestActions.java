package io.rekey.lifecycle.api;

import io.rekey.lifecycle.registry.SpecValidator;
import io.rekey.schema.AccessAction;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;

/** What an API request is, in access-log terms: its action and the secret it is about. */
public final class RequestActions {

    private static final String SECRETS = "/secrets/";

    private RequestActions() {
    }

    public static AccessAction action(String method, String path) {
        String p = path == null ? "" : path;
        boolean read = "GET".equals(method) || "HEAD".equals(method) || "OPTIONS".equals(method);
        if (p.startsWith("/emergency")) {
            return read ? AccessAction.READ : AccessAction.POLICY_CHANGE;
        }
        if (read) {
            return "/secrets".equals(p) || "/secrets/".equals(p) ? AccessAction.LIST : AccessAction.READ;
        }
        if (p.endsWith(":rotate")) {
            return AccessAction.ROTATE;
        }
        if ("DELETE".equals(method) || p.endsWith(":purge")) {
            return AccessAction.DELETE;
        }
        return AccessAction.WRITE;
    }

    /** The secret id in a {@code /secrets/{id}[:method]} path, or null. */
    public static String secretId(String path) {
        if (path == null || !path.startsWith(SECRETS)) {
            return null;
        }
        String rest = URLDecoder.decode(path.substring(SECRETS.length()), StandardCharsets.UTF_8);
        int colon = rest.indexOf(':');
        String id = colon >= 0 ? rest.substring(0, colon) : rest;
        return id.length() <= 200 && SpecValidator.SECRET_ID.matcher(id).matches() ? id : null;
    }
}
