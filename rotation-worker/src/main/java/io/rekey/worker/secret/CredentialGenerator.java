package io.rekey.worker.secret;

import io.rekey.store.SecretValue;

import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Objects;

/** Draws credentials from a {@link CredentialPolicy} with {@link SecureRandom} (uniform, no modulo bias). */
public class CredentialGenerator {

    private final SecureRandom random;

    public CredentialGenerator(SecureRandom random) {
        this.random = Objects.requireNonNull(random, "random must not be null");
    }

    public SecretValue generate(CredentialPolicy policy) {
        char[] chars = new char[policy.length()];
        String alphabet = policy.alphabet();
        for (int i = 0; i < chars.length; i++) {
            chars[i] = alphabet.charAt(random.nextInt(alphabet.length()));
        }
        try {
            return SecretValue.of(chars);
        } finally {
            Arrays.fill(chars, '\0');
        }
    }
}
