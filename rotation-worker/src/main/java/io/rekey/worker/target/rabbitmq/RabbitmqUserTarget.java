package io.rekey.worker.target.rabbitmq;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.ShutdownSignalException;
import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.http.TargetHttp;

import javax.net.ssl.SSLContext;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeoutException;

/**
 * A RabbitMQ user (SINGLE_USER: RabbitMQ keeps one password per user). Deploy changes the password through the
 * management plugin's HTTP API ({@code PUT /api/users/<name>}) with a {@code password_hash} computed here, RabbitMQ's
 * salted SHA-256 (or SHA-512), so the plaintext never reaches the broker's HTTP API or its logs; the user's tags are
 * read first and kept. Verify opens a real AMQP connection and a channel on the configured virtual host as the user.
 * Rollback sets CURRENT back the same way. The management plugin must be enabled
 * ({@code rabbitmq-plugins enable rabbitmq_management}).
 *
 * <p>Target parameters: {@code user} (required), {@code managementUrl} (http://127.0.0.1:15672), {@code adminUser}
 * (required, a user tagged administrator), {@code adminSecretId} (required), {@code host} (127.0.0.1), {@code port}
 * (5672), {@code vhost} (/), {@code amqpTls} (false), {@code hashing} (sha256 or sha512; sha256),
 * {@code allowInsecureHttp} (false: plain http only to loopback).
 */
public final class RabbitmqUserTarget implements RotationTarget {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);
    private static final CredentialPolicy POLICY = new CredentialPolicy(40, CredentialPolicy.ALPHANUMERIC);

    private final TargetHttp http = new TargetHttp(TIMEOUT);
    private final SecureRandom random = new SecureRandom();

    @Override
    public TargetKind kind() {
        return TargetKind.RABBITMQ;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return POLICY;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.SINGLE_USER);
        TargetParams params = TargetParams.of(descriptor);
        params.name("user", null, 255);
        params.name("adminUser", null, 255);
        params.required("adminSecretId");
        managementUrl(params);
        params.port("port", 5672);
        params.name("vhost", "/", 255);
        params.flag("amqpTls", false);
        params.oneOf("hashing", "sha256", "sha256", "sha512");
    }

    @Override
    public void deploy(TargetContext context) {
        setPassword(context, context.requirePending(), "deploy");
    }

    @Override
    public void verify(TargetContext context) {
        TargetParams params = context.parameters();
        String user = params.required("user");
        ConnectionFactory factory = new ConnectionFactory();
        factory.setHost(params.optional("host", "127.0.0.1"));
        factory.setPort(params.port("port", 5672));
        factory.setVirtualHost(params.optional("vhost", "/"));
        factory.setUsername(user);
        factory.setPassword(context.requirePending().reveal());
        factory.setConnectionTimeout((int) TIMEOUT.toMillis());
        factory.setHandshakeTimeout((int) TIMEOUT.toMillis());
        factory.setAutomaticRecoveryEnabled(false);
        try {
            if (params.flag("amqpTls", false)) {
                factory.useSslProtocol(SSLContext.getDefault());
                factory.enableHostnameVerification();
            }
            try (Connection connection = factory.newConnection("rekey-rotation-worker-verify");
                 Channel channel = connection.createChannel()) {
                if (!channel.isOpen()) {
                    throw TargetException.retryable("verify: the AMQP channel of " + user + " closed at once");
                }
            }
        } catch (AuthenticationFailureException e) {
            throw TargetException.retryable("verify: AMQP login as " + user + " with the new password was refused");
        } catch (IOException e) {
            throw amqpFailure(user, e);
        } catch (TimeoutException e) {
            throw TargetException.retryable("verify: AMQP connection as " + user + " timed out");
        } catch (GeneralSecurityException e) {
            throw TargetException.permanent("verify: no TLS context for AMQP: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void rollback(TargetContext context) {
        SecretValue current = context.current().orElseThrow(() ->
                TargetException.permanent("rollback: no CURRENT credential to restore for RabbitMQ user " + context.param("user")));
        setPassword(context, current, "rollback");
    }

    @Override
    public void cleanup(TargetContext context) {
        // SINGLE_USER: the previous password stopped working when the new one was set.
    }

    private void setPassword(TargetContext context, SecretValue password, String operation) {
        TargetParams params = context.parameters();
        String user = params.required("user");
        URI userUri = TargetHttp.under(managementUrl(params), "api", "users", user);
        String authorization;
        try (SecretValue adminPassword = context.adminPassword()) {
            authorization = TargetHttp.basic(params.required("adminUser"), adminPassword);
        }
        HttpRequest read = http.request(userUri).header("Authorization", authorization).GET().build();
        TargetHttp.Response existing = http.send(read, operation);
        if (existing.status() == 404) {
            throw TargetException.permanent(operation + ": RabbitMQ user " + user + " does not exist (rekey does not create users)");
        }
        if (!existing.ok()) {
            throw TargetHttp.statusFailure(operation + ": reading RabbitMQ user " + user, read, existing.status());
        }
        String algorithm = params.optional("hashing", "sha256");
        ObjectNode body = TargetHttp.JSON.createObjectNode();
        body.put("password_hash", passwordHash(password, algorithm));
        body.put("hashing_algorithm", "rabbit_password_hashing_" + algorithm);
        body.put("tags", String.join(",", tags(existing.json(operation).get("tags"))));
        HttpRequest write = http.request(userUri).header("Authorization", authorization)
                .header("Content-Type", "application/json").PUT(TargetHttp.json(body)).build();
        TargetHttp.Response written = http.send(write, operation);
        if (!written.ok()) {
            throw TargetHttp.statusFailure(operation + ": setting the password of RabbitMQ user " + user, write, written.status());
        }
    }

    /** Tags as RabbitMQ 3.9+ (a list) or older versions (a comma-separated string) report them. */
    private static List<String> tags(JsonNode node) {
        List<String> tags = new ArrayList<>();
        if (node != null && node.isArray()) {
            node.forEach(t -> tags.add(t.asText()));
        } else if (node != null && node.isTextual() && !node.asText().isBlank()) {
            tags.addAll(Arrays.asList(node.asText().split(",")));
        }
        return tags;
    }

    /** RabbitMQ's stored form: base64(salt || H(salt || utf8(password))) with a random 4-byte salt. */
    String passwordHash(SecretValue password, String algorithm) {
        byte[] salt = new byte[4];
        random.nextBytes(salt);
        byte[] utf8 = password.utf8();
        try {
            MessageDigest digest = MessageDigest.getInstance(algorithm.equals("sha512") ? "SHA-512" : "SHA-256");
            digest.update(salt);
            byte[] hash = digest.digest(utf8);
            byte[] stored = new byte[salt.length + hash.length];
            System.arraycopy(salt, 0, stored, 0, salt.length);
            System.arraycopy(hash, 0, stored, salt.length, hash.length);
            return Base64.getEncoder().encodeToString(stored);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(algorithm + " unavailable", e);
        } finally {
            Arrays.fill(utf8, (byte) 0);
        }
    }

    private static URI managementUrl(TargetParams params) {
        return params.httpUrl("managementUrl", "http://127.0.0.1:15672");
    }

    /** A refused virtual host (no permissions) does not fix itself; a dropped connection may. */
    private static TargetException amqpFailure(String user, IOException e) {
        Throwable cause = e.getCause() != null ? e.getCause() : e;
        if (cause instanceof ShutdownSignalException shutdown && shutdown.getReason() != null
                && shutdown.getReason().protocolMethodName().equals("connection.close")
                && String.valueOf(shutdown.getMessage()).contains("NOT_ALLOWED")) {
            return TargetException.permanent("verify: RabbitMQ refused user " + user + " access to the virtual host (NOT_ALLOWED)");
        }
        return TargetException.retryable("verify: AMQP connection as " + user + " failed: " + cause.getClass().getSimpleName());
    }
}
