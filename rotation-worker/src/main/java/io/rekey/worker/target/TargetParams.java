package io.rekey.worker.target;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * A descriptor's target parameters, read with checks whose messages name the secret, the parameter and what
 * is allowed. Parameters are never secret (the registry schema forbids it), so a message may quote a value.
 * Every failure is {@link TargetException#permanent}: a wrong registration does not fix itself.
 */
public final class TargetParams {

    private static final Pattern TRUE_FALSE = Pattern.compile("true|false");

    private final String secretId;
    private final Map<String, String> values;

    private TargetParams(String secretId, Map<String, String> values) {
        this.secretId = Objects.requireNonNull(secretId, "secretId must not be null");
        this.values = Map.copyOf(Objects.requireNonNull(values, "values must not be null"));
    }

    public static TargetParams of(SecretDescriptor descriptor) {
        return new TargetParams(descriptor.getSecretId(), descriptor.getTarget().getParams());
    }

    /** Refuses a strategy the adapter does not implement. */
    public static void requireStrategy(SecretDescriptor descriptor, RotationStrategy... supported) {
        if (!Arrays.asList(supported).contains(descriptor.getStrategy())) {
            throw TargetException.permanent("target kind " + descriptor.getTarget().getKind() + " of " + descriptor.getSecretId()
                    + " supports strategy " + Arrays.toString(supported) + ", not " + descriptor.getStrategy());
        }
    }

    public String required(String name) {
        return optional(name).orElseThrow(() -> invalid(name, "is required", null));
    }

    public Optional<String> optional(String name) {
        String value = values.get(name);
        return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.strip());
    }

    public String optional(String name, String fallback) {
        return optional(name).orElse(fallback);
    }

    public int integer(String name, int fallback, int min, int max) {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return fallback;
        }
        try {
            int value = Integer.parseInt(text.get());
            if (value < min || value > max) {
                throw invalid(name, "must be between " + min + " and " + max, text.get());
            }
            return value;
        } catch (NumberFormatException e) {
            throw invalid(name, "must be a whole number between " + min + " and " + max, text.get());
        }
    }

    public int port(String name, int fallback) {
        return integer(name, fallback, 1, 65_535);
    }

    public boolean flag(String name, boolean fallback) {
        Optional<String> text = optional(name);
        if (text.isEmpty()) {
            return fallback;
        }
        if (!TRUE_FALSE.matcher(text.get()).matches()) {
            throw invalid(name, "must be true or false", text.get());
        }
        return Boolean.parseBoolean(text.get());
    }

    public String oneOf(String name, String fallback, String... allowed) {
        String value = optional(name, fallback);
        if (!Arrays.asList(allowed).contains(value)) {
            throw invalid(name, "must be one of " + String.join(", ", allowed), value);
        }
        return value;
    }

    /** A name the adapter quotes itself; control characters and NUL are refused outright. */
    public String name(String name, String fallback, int maxLength) {
        String value = fallback == null ? required(name) : optional(name, fallback);
        if (value.length() > maxLength || value.chars().anyMatch(Character::isISOControl)) {
            throw invalid(name, "must be at most " + maxLength + " characters without control characters", null);
        }
        return value;
    }

    public String matching(String name, String fallback, Pattern pattern, String description) {
        String value = fallback == null ? required(name) : optional(name, fallback);
        if (!pattern.matcher(value).matches()) {
            throw invalid(name, "must be " + description, value);
        }
        return value;
    }

    /**
     * An absolute http(s) URL without credentials in it. Plain http is accepted for loopback hosts only, unless
     * {@code allowInsecureHttp=true}: these URLs carry admin credentials and, in verification, the new one.
     */
    public URI httpUrl(String name, String fallback) {
        String text = fallback == null ? required(name) : optional(name, fallback);
        URI uri;
        try {
            uri = new URI(text);
        } catch (URISyntaxException e) {
            throw invalid(name, "must be an absolute http(s) URL", text);
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase();
        if (!List.of("http", "https").contains(scheme) || uri.getHost() == null) {
            throw invalid(name, "must be an absolute http(s) URL", text);
        }
        if (uri.getRawUserInfo() != null) {
            throw invalid(name, "must not carry credentials (user info); name an adminSecretId instead", null);
        }
        if (scheme.equals("http") && !isLoopback(uri.getHost()) && !flag("allowInsecureHttp", false)) {
            throw invalid(name, "must use https for a host other than loopback (or set allowInsecureHttp=true)", text);
        }
        return uri;
    }

    private static boolean isLoopback(String host) {
        if (host.equalsIgnoreCase("localhost")) {
            return true;
        }
        // Only literal addresses: a name is not resolved here, so it cannot be made to look local.
        if (!host.matches("[0-9.]+|\\[?[0-9a-fA-F:]+]?")) {
            return false;
        }
        try {
            return InetAddress.getByName(host.replace("[", "").replace("]", "")).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private TargetException invalid(String name, String rule, String value) {
        return TargetException.permanent("target parameter '" + name + "' of " + secretId + " " + rule
                + (value == null ? "" : ", was '" + value + "'"));
    }
}
