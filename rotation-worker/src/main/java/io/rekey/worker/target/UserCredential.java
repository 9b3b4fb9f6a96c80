package io.rekey.worker.target;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.rekey.store.SecretValue;

import java.io.IOException;
import java.util.Arrays;
import java.util.Map;
import java.util.Objects;

/**
 * A secret value naming its user: {@code {"username":"app_clone","password":"..."}}. Strategies that move between
 * users (ALTERNATING_USERS) or receive the user from the issuer (Vault dynamic credentials) store this, so which user
 * is live travels with the value and CURRENT flips with it. A value that is not a JSON object is read as the bare
 * password of a default user: a secret rotated SINGLE_USER before can switch strategy.
 *
 * <p>Parsing failures never quote the value (JSON parsers echo their input in messages).
 */
public record UserCredential(String username, SecretValue password) implements AutoCloseable {

    private static final ObjectMapper JSON = JsonMapper.builder().disable(StreamReadFeature.INCLUDE_SOURCE_IN_LOCATION).build();

    public UserCredential {
        Objects.requireNonNull(username, "username must not be null");
        Objects.requireNonNull(password, "password must not be null");
    }

    /** Reads {@code value}; a bare password belongs to {@code defaultUser}. */
    public static UserCredential parse(SecretValue value, String defaultUser) {
        return read(value, defaultUser).credential();
    }

    /** A JSON value's user and password, and its other fields (a lease id, say). */
    public record Parsed(UserCredential credential, JsonNode extra) { }

    private static Parsed read(SecretValue value, String defaultUser) {
        byte[] bytes = value.utf8();
        try {
            if (bytes.length == 0 || bytes[0] != '{') {
                return new Parsed(new UserCredential(defaultUser, SecretValue.ofUtf8(bytes)), JSON.createObjectNode());
            }
            JsonNode node = JSON.readTree(bytes);
            JsonNode username = node.get("username");
            JsonNode password = node.get("password");
            if (username == null || !username.isTextual() || password == null || !password.isTextual()) {
                throw TargetException.permanent("stored value is a JSON object without text fields username and password");
            }
            ObjectNode extra = ((ObjectNode) node).deepCopy();
            extra.remove("password");
            return new Parsed(new UserCredential(username.asText(), SecretValue.of(password.asText())), extra);
        } catch (JsonProcessingException e) {
            throw TargetException.permanent("stored value starts like JSON but is not valid JSON");
        } catch (IOException e) {
            throw TargetException.permanent("stored value cannot be read: " + e.getClass().getSimpleName());
        } finally {
            Arrays.fill(bytes, (byte) 0);
        }
    }

    /** Parses a value that must be the JSON form, with further fields. */
    public static Parsed parseJson(SecretValue value) {
        byte[] first = value.utf8();
        boolean json = first.length > 0 && first[0] == '{';
        Arrays.fill(first, (byte) 0);
        if (!json) {
            throw TargetException.permanent("stored value is not a JSON object with username and password");
        }
        return read(value, "");
    }

    /** The JSON form. */
    public SecretValue toSecretValue() {
        return toSecretValue(Map.of());
    }

    /** The JSON form with further non-secret fields (written before username and password). */
    public SecretValue toSecretValue(Map<String, ?> extra) {
        ObjectNode node = JSON.createObjectNode();
        extra.forEach((k, v) -> node.set(k, JSON.valueToTree(v)));
        node.put("username", username);
        node.put("password", password.reveal());
        try {
            return SecretValue.ofUtf8(JSON.writeValueAsBytes(node));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write a user credential: " + e.getClass().getSimpleName());
        }
    }

    @Override
    public void close() {
        password.close();
    }

    @Override
    public String toString() {
        return "UserCredential[" + username + ", password redacted]";
    }
}
