package io.rekey.testkit.rabbitmq;

import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.UUID;
import java.util.concurrent.TimeoutException;

/**
 * The machine's RabbitMQ (AMQP on 127.0.0.1:5672, management API on 127.0.0.1:15672, administrator guest/guest) for
 * tests: throw-away users with unique names and full permissions on the default virtual host, deleted afterwards.
 * Needs the management plugin ({@code rabbitmq-plugins enable rabbitmq_management}; .ci/run enables it).
 */
public final class Rabbitmq {

    public static final String HOST = "127.0.0.1";
    public static final int AMQP_PORT = 5672;
    public static final String MANAGEMENT_URL = "http://127.0.0.1:15672";
    public static final String ADMIN = "guest";
    public static final String ADMIN_PASSWORD = "guest";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    private Rabbitmq() {
    }

    /** A user tagged {@code tags} with full permissions on {@code /}; closing it deletes it. */
    public static TestUser createUser(String prefix, String password, String tags) {
        String name = prefix + "_" + UUID.randomUUID().toString().replace("-", "").substring(0, 10);
        call("PUT", "/api/users/" + name, "{\"password\":\"" + password + "\",\"tags\":\"" + tags + "\"}");
        grantAll(name);
        return new TestUser(name);
    }

    public static void grantAll(String user) {
        call("PUT", "/api/permissions/%2F/" + user, "{\"configure\":\".*\",\"write\":\".*\",\"read\":\".*\"}");
    }

    /** Takes away the user's permissions on {@code /}, as an operator would. */
    public static void revokePermissions(String user) {
        call("DELETE", "/api/permissions/%2F/" + user, null);
    }

    /** The user as the management API describes it (JSON). */
    public static String describe(String user) {
        return call("GET", "/api/users/" + user, null);
    }

    /** Whether an AMQP connection to {@code /} as {@code user} with {@code password} opens. */
    public static boolean canConnect(String user, String password) {
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(HOST);
        factory.setPort(AMQP_PORT);
        factory.setUsername(user);
        factory.setPassword(password);
        factory.setAutomaticRecoveryEnabled(false);
        try (Connection ignored = factory.newConnection()) {
            return true;
        } catch (IOException | TimeoutException e) {
            return false;
        }
    }

    private static String call(String method, String path, String body) {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(MANAGEMENT_URL + path))
                .header("Authorization", "Basic " + Base64.getEncoder().encodeToString((ADMIN + ":" + ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() >= 300 && !(method.equals("DELETE") && response.statusCode() == 404)) {
                throw new IllegalStateException("RabbitMQ management " + method + " " + path + ": HTTP " + response.statusCode()
                        + " (is the management plugin enabled? rabbitmq-plugins enable rabbitmq_management)");
            }
            return response.body();
        } catch (IOException e) {
            throw new IllegalStateException("RabbitMQ management API at " + MANAGEMENT_URL + " unreachable (rabbitmq-plugins enable "
                    + "rabbitmq_management)", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }


    /** A throw-away user. */
    public record TestUser(String name) implements AutoCloseable {
        @Override
        public void close() {
            call("DELETE", "/api/users/" + name, null);
        }
    }
}
