package io.rekey.worker.secret;

import io.rekey.store.SecretValue;

import java.util.Objects;

/**
 * How a target wants its new credentials: length and alphabet. Characters the target's syntax treats
 * specially are simply not in the alphabet, so a generated value never needs escaping anywhere.
 *
 * @param length   number of characters
 * @param alphabet characters to draw from, each with equal probability
 */
public record CredentialPolicy(int length, String alphabet) {

    /** Letters, digits and punctuation that no SQL, URL, shell or connection-string syntax treats specially. */
    public static final String SAFE_SYMBOLS = "-_.~!#%^*+=,";
    public static final String ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    /** 32 characters of letters, digits and safe symbols: about 195 bits. */
    public static final CredentialPolicy DATABASE_PASSWORD = new CredentialPolicy(32, ALPHANUMERIC + SAFE_SYMBOLS);

    public CredentialPolicy {
        Objects.requireNonNull(alphabet, "alphabet must not be null");
        if (length < 16 || length > 1024) {
            throw new IllegalArgumentException("credential length must be between 16 and 1024, was " + length);
        }
        if (alphabet.chars().distinct().count() != alphabet.length() || alphabet.length() < 16) {
            throw new IllegalArgumentException("credential alphabet must have at least 16 distinct characters and no repeats");
        }
    }

    /** Entropy of one generated credential, in bits. */
    public double entropyBits() {
        return length * (Math.log(alphabet.length()) / Math.log(2));
    }

    /** Whether {@code value} could have been produced by this policy. */
    public boolean admits(SecretValue value) {
        char[] chars = value.asChars();
        try {
            if (chars.length != length) {
                return false;
            }
            for (char c : chars) {
                if (alphabet.indexOf(c) < 0) {
                    return false;
                }
            }
            return true;
        } finally {
            java.util.Arrays.fill(chars, '\0');
        }
    }
}
