package io.rekey.lifecycle.support;

import io.micronaut.context.ApplicationContext;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.micronaut.runtime.server.EmbeddedServer;
import io.rekey.lifecycle.app.TimeDrivenActions;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.signing.IssuerKeys;
import io.rekey.testkit.RekeyStack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.awaitility.Awaitility.await;

/** The lifecycle service on the test JVM's real broker and registry, with a real HTTP server and real tokens. */
public final class LifecycleApp implements AutoCloseable {

    public static final String JWT_SECRET = "rekey-test-only-hs256-secret-0123456789abcdef";
    public static final String KEY_ID = "lifecycle-test";
    public static final KeyPair ISSUER = IssuerKeys.generate();
    private static final Path KEY_FILE = writeKey();

    private final EmbeddedServer server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final JsonMapper json;

    private LifecycleApp(EmbeddedServer server) {
        this.server = server;
        this.json = server.getApplicationContext().getBean(JsonMapper.class);
    }

    /** Settings every test app shares; a unique scheduler group keeps test classes from sharing secrets' drivers. */
    public static Map<String, Object> settings(RekeyStack stack) {
        Map<String, Object> p = new HashMap<>();
        p.put("micronaut.server.port", -1);
        p.put("rekey.kafka.bootstrap-servers", stack.bootstrapServers());
        p.put("rekey.registry.url", stack.registry().baseUrl().toString());
        p.put("rekey.lifecycle.auth.jwt-secret", JWT_SECRET);
        p.put("rekey.lifecycle.issuer-key-file", KEY_FILE.toString());
        p.put("rekey.lifecycle.issuer-key-id", KEY_ID);
        p.put("rekey.lifecycle.tick-interval", "500ms");
        p.put("rekey.lifecycle.scheduler-group", RekeyStack.unique("lifecycle-scheduler"));
        return p;
    }

    /** Starts the service and waits until it has read the log and drives every registry partition. */
    public static LifecycleApp start(Map<String, Object> settings) {
        EmbeddedServer server = ApplicationContext.run(EmbeddedServer.class, settings);
        LifecycleApp app = new LifecycleApp(server);
        await().atMost(Duration.ofSeconds(60)).until(() -> app.view().caughtUp() && app.health().status() == 200);
        return app;
    }

    public static LifecycleApp start(RekeyStack stack) {
        return start(settings(stack));
    }

    public LifecycleView view() {
        return server.getApplicationContext().getBean(LifecycleView.class);
    }

    public TimeDrivenActions actions() {
        return server.getApplicationContext().getBean(TimeDrivenActions.class);
    }

    public <T> T bean(Class<T> type) {
        return server.getApplicationContext().getBean(type);
    }

    /** Waits until the time-driven work has run {@code n} more times. */
    public void awaitRuns(int n) {
        long target = actions().runs() + n;
        await().atMost(Duration.ofSeconds(30)).until(() -> actions().runs() >= target);
    }

    public static String token(String subject, String... roles) {
        return TestTokens.mint(JWT_SECRET, subject, List.of(roles), Duration.ofMinutes(10), Instant.now());
    }

    /** An HTTP answer with its body parsed when it is JSON. */
    public record Response(int status, HttpResponse<String> raw, Map<String, Object> json) {
        public Optional<String> header(String name) {
            return raw.headers().firstValue(name);
        }

        public String body() {
            return raw.body();
        }

        @SuppressWarnings("unchecked")
        public <T> T at(String... path) {
            Object current = json;
            for (String key : path) {
                current = current instanceof Map<?, ?> m ? m.get(key) : null;
            }
            return (T) current;
        }
    }

    public Response health() {
        return send(HttpRequest.newBuilder(uri("/health")).GET(), null);
    }

    public Response get(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), token);
    }

    public Response post(String path, String token, Object body) {
        return withBody("POST", path, token, body);
    }

    public Response put(String path, String token, Object body, String... headers) {
        return withBody("PUT", path, token, body, headers);
    }

    public Response postWith(String path, String token, Object body, String... headers) {
        return withBody("POST", path, token, body, headers);
    }

    private Response withBody(String method, String path, String token, Object body, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s : write(body)));
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return send(b, token);
    }

    public Response delete(String path, String token) {
        return send(HttpRequest.newBuilder(uri(path)).DELETE(), token);
    }

    private URI uri(String path) {
        return URI.create(server.getURL().toString() + path);
    }

    private Response send(HttpRequest.Builder request, String token) {
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.ofString());
            Map<String, Object> parsed = null;
            String type = response.headers().firstValue("Content-Type").orElse("");
            if (type.contains("json") && !response.body().isEmpty()) {
                parsed = json.readValue(response.body(), Argument.mapOf(String.class, Object.class));
            }
            return new Response(response.statusCode(), response, parsed);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private String write(Object body) {
        try {
            return json.writeValueAsString(body);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path writeKey() {
        try {
            Path file = Files.createTempFile("rekey-issuer", ".pem",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, IssuerKeys.privatePem(ISSUER.getPrivate()));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
