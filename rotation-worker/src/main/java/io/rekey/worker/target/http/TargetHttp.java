package io.rekey.worker.target.http;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetException;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Objects;

/**
 * HTTP calls of target adapters on the JDK client: redirects are never followed (a redirect would carry an admin
 * credential, or the new one, to wherever it points), every request has a timeout, transport failures are
 * retryable, and messages name the method, URL path and status, never a header or a body.
 */
public final class TargetHttp {

    public static final ObjectMapper JSON = JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    private final HttpClient client;
    private final Duration timeout;

    public TargetHttp(Duration timeout) {
        this.timeout = Objects.requireNonNull(timeout, "timeout must not be null");
        this.client = HttpClient.newBuilder()
                .connectTimeout(timeout)
                .followRedirects(HttpClient.Redirect.NEVER)
                .version(HttpClient.Version.HTTP_1_1)
                .build();
    }

    /** A status and body; the body may hold a credential (a login response): read it, never print it. */
    public record Response(int status, byte[] body) {
        public boolean ok() {
            return status >= 200 && status < 300;
        }

        public JsonNode json(String what) {
            try {
                return JSON.readTree(body);
            } catch (IOException e) {
                throw TargetException.retryable(what + ": the answer is not JSON (HTTP " + status + ")");
            }
        }
    }

    public HttpRequest.Builder request(URI uri) {
        return HttpRequest.newBuilder(uri).timeout(timeout).header("User-Agent", "rekey-rotation-worker");
    }

    /** Sends {@code request}; connection trouble and timeouts are retryable failures described by {@code what}. */
    public Response send(HttpRequest request, String what) {
        try {
            HttpResponse<byte[]> response = client.send(request, HttpResponse.BodyHandlers.ofByteArray());
            return new Response(response.statusCode(), response.body() == null ? new byte[0] : response.body());
        } catch (IOException e) {
            throw TargetException.retryable(what + ": " + request.method() + " " + request.uri().getPath() + " failed: "
                    + e.getClass().getSimpleName());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw TargetException.retryable(what + ": interrupted");
        }
    }

    /** A failed status: throttling, timeouts and server errors pass; other client errors do not. */
    public static TargetException statusFailure(String what, HttpRequest request, int status) {
        String message = what + ": " + request.method() + " " + request.uri().getPath() + " answered HTTP " + status;
        boolean retryable = status == 408 || status == 425 || status == 429 || status >= 500;
        return retryable ? TargetException.retryable(message) : TargetException.permanent(message);
    }

    public static HttpRequest.BodyPublisher json(JsonNode body) {
        try {
            return HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getClass().getSimpleName());
        }
    }

    /** {@code Basic base64(user:password)}. */
    public static String basic(String user, SecretValue password) {
        byte[] name = (user + ":").getBytes(StandardCharsets.UTF_8);
        byte[] secret = password == null ? new byte[0] : password.utf8();
        byte[] both = new byte[name.length + secret.length];
        System.arraycopy(name, 0, both, 0, name.length);
        System.arraycopy(secret, 0, both, name.length, secret.length);
        try {
            return "Basic " + Base64.getEncoder().encodeToString(both);
        } finally {
            java.util.Arrays.fill(secret, (byte) 0);
            java.util.Arrays.fill(both, (byte) 0);
        }
    }

    /** Percent-encodes one path segment (RFC 3986 unreserved characters stay as they are). */
    public static String segment(String value) {
        StringBuilder out = new StringBuilder();
        for (byte b : value.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || "-._~".indexOf(c) >= 0) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    /** {@code base} with {@code segments} appended, each encoded. */
    public static URI under(URI base, String... segments) {
        StringBuilder path = new StringBuilder(base.toString().replaceAll("/+$", ""));
        for (String segment : segments) {
            path.append('/').append(segment(segment));
        }
        return URI.create(path.toString());
    }
}
