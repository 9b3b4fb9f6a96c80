package io.rekey.testkit.vault;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * A small stand-in for a Vault server, for tests only (no Vault server can be obtained on this machine): the
 * KV v2 secrets engine's HTTP API on 127.0.0.1, faithful to Vault's documented request and response shapes,
 * so that the real vault-java-driver can be tested over real HTTP. Every request needs the root token in
 * {@code X-Vault-Token} (or {@code Authorization: Bearer}); without it or with another, Vault's 403
 * {@code {"errors":["permission denied"]}}. Paths no backend serves get Vault's 404 "no handler for route".
 *
 * <p>Backends are mounted at paths, as in Vault: KV v2 engines, and the database secrets engine with the
 * {@code sys/leases} endpoints that renew and revoke its leases ({@link Builder#databaseMount}). Two test hooks stage what a real server sometimes does: another client
 * acting just before a request is served ({@link #beforeNext}) and an arbitrary answer ({@link #respondNext}).
 */
public final class VaultKvStandIn implements AutoCloseable {

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final java.net.http.HttpClient CLIENT = java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_1_1).build();

    static {
        // The JDK server writes a response's headers and body separately; with Nagle's algorithm on, each small
        // answer then waits for the client's delayed ACK (about 40 ms). Read once, when the first server starts.
        if (System.getProperty("sun.net.httpserver.nodelay") == null) {
            System.setProperty("sun.net.httpserver.nodelay", "true");
        }
    }

    private final HttpServer server;
    private final ExecutorService executor;
    private final byte[] rootToken;
    private final String token;
    private final Map<String, VaultBackend> mounts;
    private final ConcurrentLinkedQueue<Hook> hooks = new ConcurrentLinkedQueue<>();

    private VaultKvStandIn(String token, Map<String, VaultBackend> mounts) throws IOException {
        this.token = token;
        this.rootToken = token.getBytes(StandardCharsets.UTF_8);
        this.mounts = Map.copyOf(mounts);
        this.server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        // Several threads, so a hook can call the stand-in while one of its requests waits.
        this.executor = Executors.newFixedThreadPool(4, runnable -> {
            Thread thread = new Thread(runnable, "vault-stand-in");
            thread.setDaemon(true);
            return thread;
        });
        server.createContext("/", this::serve);
        server.setExecutor(executor);
        server.start();
    }

    /** A stand-in with a KV v2 engine at {@code secret/} (as a Vault dev server has) and a random root token. */
    public static VaultKvStandIn start() {
        return builder().start();
    }

    public static Builder builder() {
        return new Builder();
    }

    /** Where to reach it, as Vault's {@code VAULT_ADDR}: {@code http://127.0.0.1:PORT}. */
    public String address() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    public String rootToken() {
        return token;
    }

    /** An answer to {@link #call}: status and body text (empty for 204). */
    public record Reply(int status, String body) {
        public JsonNode json() {
            try {
                return body.isEmpty() ? JSON.createObjectNode() : JSON.readTree(body);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException("the stand-in answered HTTP " + status + " with something that is not JSON", e);
            }
        }
    }

    /**
     * Sends {@code method /v1/<path>} with the root token, as a Vault client or operator would (to configure engines,
     * or act as another client): {@code path} may carry a query, {@code body} is JSON or {@code null}.
     */
    public Reply call(String method, String path, String body) {
        java.net.http.HttpRequest request = java.net.http.HttpRequest.newBuilder(java.net.URI.create(address() + "/v1/" + path))
                .header("X-Vault-Token", token)
                .method(method, body == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            java.net.http.HttpResponse<String> response = CLIENT.send(request, java.net.http.HttpResponse.BodyHandlers.ofString());
            return new Reply(response.statusCode(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /**
     * Before the next request with this HTTP method and path (for example {@code POST /v1/secret/data/app}) is
     * served, runs {@code action}: another client acting in between a caller's read and its write.
     */
    public void beforeNext(String method, String path, Runnable action) {
        hooks.add(new Hook(method, path, Objects.requireNonNull(action, "action must not be null"), null));
    }

    /** Answers the next request with this HTTP method and path with {@code status} and {@code body} instead. */
    public void respondNext(String method, String path, int status, String body) {
        hooks.add(new Hook(method, path, null, new CannedReply(status, Objects.requireNonNull(body, "body must not be null"))));
    }

    @Override
    public void close() {
        for (VaultBackend backend : mounts.values()) {
            if (backend instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    // a backend that cannot close cleanly does not keep the others open
                }
            }
        }
        server.stop(0);
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void serve(HttpExchange exchange) throws IOException {
        try (exchange) {
            byte[] requestBody = readAll(exchange.getRequestBody());
            Optional<Hook> hook = takeHook(exchange.getRequestMethod(), exchange.getRequestURI().getPath());
            if (hook.isPresent() && hook.get().action() != null) {
                hook.get().action().run();
            }
            if (hook.isPresent() && hook.get().reply() != null) {
                send(exchange, hook.get().reply().status(), hook.get().reply().body().getBytes(StandardCharsets.UTF_8));
                return;
            }
            VaultReply reply = route(exchange, requestBody);
            byte[] body = reply.body() == null ? null : JSON.writeValueAsBytes(reply.body());
            send(exchange, reply.status(), body);
        }
    }

    private VaultReply route(HttpExchange exchange, byte[] requestBody) {
        if (!authenticated(exchange)) {
            return VaultReply.error(403, "permission denied");
        }
        String uriPath = exchange.getRequestURI().getPath();
        if (!uriPath.startsWith("/v1/")) {
            return VaultReply.notFound();
        }
        String path = uriPath.substring("/v1/".length());
        Map<String, String> query = query(exchange.getRequestURI().getRawQuery());
        VaultRequest.Operation operation = switch (exchange.getRequestMethod()) {
            case "GET" -> "true".equals(query.get("list")) ? VaultRequest.Operation.LIST : VaultRequest.Operation.READ;
            case "LIST" -> VaultRequest.Operation.LIST;
            case "POST", "PUT" -> VaultRequest.Operation.UPDATE;
            case "DELETE" -> VaultRequest.Operation.DELETE;
            default -> null;
        };
        if (operation == null) {
            return VaultReply.error(405, "unsupported operation");
        }
        JsonNode body;
        try {
            body = requestBody.length == 0 || operation != VaultRequest.Operation.UPDATE
                    ? JSON.createObjectNode() : JSON.readTree(requestBody);
        } catch (JsonProcessingException e) {
            return VaultReply.badRequest("failed to parse JSON input: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (body == null || !body.isObject()) {
            return VaultReply.badRequest("failed to parse JSON input: expected a JSON object");
        }
        String mount = mountOf(path);
        if (mount == null) {
            return VaultReply.error(404, "no handler for route \"" + path + "\". route entry not found.");
        }
        String below = path.length() == mount.length() ? "" : path.substring(mount.length() + 1);
        return mounts.get(mount).handle(new VaultRequest(operation, below, query, body));
    }

    /** The longest mount path that {@code path} lies under, as Vault's router picks it. */
    private String mountOf(String path) {
        String best = null;
        for (String mount : mounts.keySet()) {
            if ((path.equals(mount) || path.startsWith(mount + "/")) && (best == null || mount.length() > best.length())) {
                best = mount;
            }
        }
        return best;
    }

    private boolean authenticated(HttpExchange exchange) {
        String presented = exchange.getRequestHeaders().getFirst("X-Vault-Token");
        String authorization = exchange.getRequestHeaders().getFirst("Authorization");
        if (presented == null && authorization != null && authorization.startsWith("Bearer ")) {
            presented = authorization.substring("Bearer ".length());
        }
        return presented != null && MessageDigest.isEqual(rootToken, presented.getBytes(StandardCharsets.UTF_8));
    }

    private Optional<Hook> takeHook(String method, String path) {
        for (Iterator<Hook> it = hooks.iterator(); it.hasNext(); ) {
            Hook hook = it.next();
            if (hook.method().equals(method) && hook.path().equals(path)) {
                it.remove();
                return Optional.of(hook);
            }
        }
        return Optional.empty();
    }

    private static Map<String, String> query(String rawQuery) {
        Map<String, String> query = new HashMap<>();
        if (rawQuery == null || rawQuery.isEmpty()) {
            return query;
        }
        for (String pair : rawQuery.split("&")) {
            int equals = pair.indexOf('=');
            String name = equals < 0 ? pair : pair.substring(0, equals);
            String value = equals < 0 ? "" : pair.substring(equals + 1);
            query.put(URLDecoder.decode(name, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
        }
        return query;
    }

    private static byte[] readAll(InputStream in) {
        try {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void send(HttpExchange exchange, int status, byte[] body) throws IOException {
        if (body == null) {
            exchange.sendResponseHeaders(status, -1);
            return;
        }
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, body.length);
        try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
        }
    }

    private record Hook(String method, String path, Runnable action, CannedReply reply) {
    }

    private record CannedReply(int status, String body) {
    }

    /** Token, clock and what is mounted where. */
    public static final class Builder {
        private String token = randomToken();
        private Clock clock = Clock.systemUTC();
        /** What to mount where, built when the stand-in starts (so that each backend gets the final clock). */
        private final Map<String, Function<Clock, VaultBackend>> mounts = new LinkedHashMap<>();
        private LeaseTable leases;

        private Builder() {
        }

        public Builder rootToken(String token) {
            this.token = Objects.requireNonNull(token, "token must not be null");
            return this;
        }

        public Builder clock(Clock clock) {
            this.clock = Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        /** Mounts a KV v2 engine at {@code path} (for example {@code kv} or {@code team/kv}). */
        public Builder kvV2Mount(String path) {
            return mount(path, KvV2Backend::new);
        }

        /**
         * Mounts the database secrets engine at {@code path} (for example {@code database}) and {@code sys/leases}, which
         * renews and revokes what it issues. Configure it over HTTP as in Vault: {@code POST <path>/config/<name>}, then
         * {@code POST <path>/roles/<role>}.
         */
        public Builder databaseMount(String path) {
            mounts.putIfAbsent("sys/leases", c -> new SysLeasesBackend(leases(c)));
            return mount(path, c -> new DatabaseBackend(path, leases(c)));
        }

        /** The expiration manager every leasing backend of this stand-in shares. */
        private LeaseTable leases(Clock clock) {
            if (leases == null) {
                leases = new LeaseTable(clock);
            }
            return leases;
        }

        /** Mounts a backend at {@code path}, as {@code vault secrets enable -path=...} would. */
        Builder mount(String path, Function<Clock, VaultBackend> backend) {
            if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
                throw new IllegalArgumentException("mount path must be like 'secret' or 'team/kv', not '" + path + "'");
            }
            mounts.put(path, Objects.requireNonNull(backend, "backend must not be null"));
            return this;
        }

        public VaultKvStandIn start() {
            if (mounts.isEmpty()) {
                kvV2Mount("secret");
            }
            Map<String, VaultBackend> started = new HashMap<>();
            mounts.forEach((path, backend) -> started.put(path, backend.apply(clock)));
            try {
                return new VaultKvStandIn(token, started);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot start the Vault stand-in", e);
            }
        }

        private static String randomToken() {
            byte[] bytes = new byte[16];
            new SecureRandom().nextBytes(bytes);
            return "hvs." + HexFormat.of().formatHex(bytes);
        }
    }
}
