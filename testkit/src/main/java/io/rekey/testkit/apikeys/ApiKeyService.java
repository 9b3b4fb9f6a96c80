package io.rekey.testkit.apikeys;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Pattern;

/**
 * A small HTTP service protected by API keys, for tests: it keeps the SHA-256 of each accepted key (never the key),
 * offers the key-management API rekey's HTTP API-key target speaks, and one protected endpoint.
 *
 * <pre>
 * PUT    /admin/keys/{id}  Bearer admin token; {"id","hash"} or {"id","key"}; id = hex SHA-256 of the key  201 or 204
 * DELETE /admin/keys/{id}  Bearer admin token                                                          204 or 404
 * GET    /api/whoami       Bearer &lt;API key&gt;                                                            200 or 401
 * </pre>
 * {@link #lagBehind()} makes the public API answer from the key set as it is at that moment, as a replica that stops
 * receiving updates would.
 */
public final class ApiKeyService implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern KEY_ID = Pattern.compile("[0-9a-f]{64}");

    private final HttpServer server;
    private final ExecutorService executor = Executors.newFixedThreadPool(2, r -> {
        Thread t = new Thread(r, "api-key-service");
        t.setDaemon(true);
        return t;
    });
    private final byte[] adminToken;
    /** Accepted key ids (SHA-256) and the secret each belongs to. */
    private final Map<String, String> keys = new ConcurrentHashMap<>();
    private volatile Map<String, String> publicView;

    private ApiKeyService(String adminToken) throws IOException {
        this.adminToken = ("Bearer " + adminToken).getBytes(StandardCharsets.UTF_8);
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/admin/keys/", this::admin);
        server.createContext("/api/whoami", this::whoami);
        server.setExecutor(executor);
        server.start();
    }

    public static ApiKeyService start(String adminToken) {
        try {
            return new ApiKeyService(adminToken);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot start the API key service", e);
        }
    }

    public String keysUrl() {
        return base() + "/admin/keys";
    }

    public String whoamiUrl() {
        return base() + "/api/whoami";
    }

    /** Accepts {@code key} from now on, as if it had been issued before rekey managed it. */
    public void accept(String key, String secretId) {
        keys.put(sha256(key), secretId);
    }

    /** The ids (SHA-256) of the accepted keys of one secret. */
    public java.util.Set<String> keyIdsOf(String secretId) {
        return keys.entrySet().stream().filter(e -> e.getValue().equals(secretId)).map(Map.Entry::getKey)
                .collect(java.util.stream.Collectors.toUnmodifiableSet());
    }

    /** From now on the public API answers from a frozen copy of today's key set. */
    public void lagBehind() {
        publicView = Map.copyOf(keys);
    }

    public void catchUp() {
        publicView = null;
    }

    public static String sha256(String key) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(key.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private void admin(HttpExchange exchange) throws IOException {
        try (exchange) {
            String presented = exchange.getRequestHeaders().getFirst("Authorization");
            if (presented == null || !MessageDigest.isEqual(adminToken, presented.getBytes(StandardCharsets.UTF_8))) {
                send(exchange, 401, "{\"error\":\"admin token required\"}");
                return;
            }
            String id = exchange.getRequestURI().getPath().substring("/admin/keys/".length());
            if (!KEY_ID.matcher(id).matches()) {
                send(exchange, 400, "{\"error\":\"key id must be 64 lower-case hex digits\"}");
                return;
            }
            switch (exchange.getRequestMethod()) {
                case "PUT" -> {
                    JsonNode body = JSON.readTree(exchange.getRequestBody());
                    String hash = body.hasNonNull("key") ? sha256(body.get("key").asText()) : body.path("hash").asText("");
                    if (!id.equals(body.path("id").asText()) || !id.equals(hash)) {
                        send(exchange, 400, "{\"error\":\"id, hash and key do not match\"}");
                        return;
                    }
                    boolean added = keys.putIfAbsent(id, body.path("secretId").asText("")) == null;
                    send(exchange, added ? 201 : 204, null);
                }
                case "DELETE" -> send(exchange, keys.remove(id) != null ? 204 : 404, null);
                default -> send(exchange, 405, null);
            }
        }
    }

    private void whoami(HttpExchange exchange) throws IOException {
        try (exchange) {
            String authorization = exchange.getRequestHeaders().getFirst("Authorization");
            Map<String, String> view = publicView != null ? publicView : keys;
            String owner = authorization == null || !authorization.startsWith("Bearer ") ? null
                    : view.get(sha256(authorization.substring("Bearer ".length())));
            if (owner == null) {
                send(exchange, 401, "{\"error\":\"invalid API key\"}");
                return;
            }
            send(exchange, 200, JSON.createObjectNode().put("secretId", owner).toString());
        }
    }

    private static void send(HttpExchange exchange, int status, String body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(bytes);
        }
    }

    private String base() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public void close() {
        server.stop(0);
        executor.shutdownNow();
    }
}
