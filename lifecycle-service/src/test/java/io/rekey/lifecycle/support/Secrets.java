package io.rekey.lifecycle.support;

import io.rekey.testkit.RekeyStack;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Registration bodies for tests, each with a unique secret id. */
public final class Secrets {

    private Secrets() {
    }

    public static String uniqueId(String prefix) {
        return prefix + "/" + RekeyStack.unique("s");
    }

    /** A complete registration of a PostgreSQL password rotated every 30 days. */
    public static Map<String, Object> database(String secretId) {
        Map<String, Object> body = new HashMap<>();
        body.put("secretId", secretId);
        body.put("type", "DATABASE_PASSWORD");
        body.put("owner", "team-orders");
        body.put("description", "orders service login");
        body.put("storePath", "rekey/" + secretId);
        body.put("target", Map.of("kind", "POSTGRESQL",
                "params", Map.of("host", "127.0.0.1", "port", "5432", "database", "orders", "username", "orders_app",
                        "adminSecretId", "db/admin")));
        body.put("strategy", "SINGLE_USER");
        body.put("rotationPolicy", new HashMap<>(Map.of("intervalDays", 30, "windowMinutes", 60)));
        body.put("criticality", "HIGH");
        body.put("category", "SERVICE");
        body.put("dependents", List.of("orders-api"));
        body.put("tags", List.of("pci"));
        return body;
    }

    @SuppressWarnings("unchecked")
    public static Map<String, Object> withPolicy(Map<String, Object> body, String key, Object value) {
        ((Map<String, Object>) body.get("rotationPolicy")).put(key, value);
        return body;
    }
}
