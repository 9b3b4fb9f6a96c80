package io.rekey.store.postgres;

import com.google.crypto.tink.Aead;
import com.google.crypto.tink.InsecureSecretKeyAccess;
import com.google.crypto.tink.KeysetHandle;
import com.google.crypto.tink.RegistryConfiguration;
import com.google.crypto.tink.TinkJsonProtoKeysetFormat;
import com.google.crypto.tink.aead.AeadConfig;
import com.google.crypto.tink.aead.KmsEnvelopeAead;
import com.google.crypto.tink.aead.PredefinedAeadParameters;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;

/**
 * Envelope encryption with Google Tink: each value is sealed with a fresh AES-256-GCM data key, and the data
 * key is sealed with the key-encryption keyset (KEK) from configuration. The KEK keyset may hold several keys:
 * the primary encrypts, all decrypt, so the KEK can be rotated without re-encrypting stored values at once.
 * The associated data binds a ciphertext to its secret path and version, so ciphertexts cannot be swapped.
 */
public final class EnvelopeCipher {

    private final Aead envelope;

    private EnvelopeCipher(Aead envelope) {
        this.envelope = envelope;
    }

    /** From a Tink JSON keyset of an AEAD key type (for example one written by {@link #newKeysetJson()}). */
    public static EnvelopeCipher fromKeysetJson(String keysetJson) {
        try {
            AeadConfig.register();
            KeysetHandle kek = TinkJsonProtoKeysetFormat.parseKeyset(keysetJson, InsecureSecretKeyAccess.get());
            Aead kekAead = kek.getPrimitive(RegistryConfiguration.get(), Aead.class);
            return new EnvelopeCipher(KmsEnvelopeAead.create(PredefinedAeadParameters.AES256_GCM, kekAead));
        } catch (GeneralSecurityException | RuntimeException e) {
            // The keyset is key material: never echo it.
            throw new IllegalArgumentException("the store key-encryption keyset is not a valid Tink AEAD keyset "
                    + "(rekey.worker.store.postgres.keyset-file)");
        }
    }

    /** A new KEK keyset (one AES-256-GCM key) as Tink JSON, for first-time set-up. */
    public static String newKeysetJson() {
        try {
            AeadConfig.register();
            return TinkJsonProtoKeysetFormat.serializeKeyset(
                    KeysetHandle.generateNew(PredefinedAeadParameters.AES256_GCM), InsecureSecretKeyAccess.get());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot generate a Tink keyset", e);
        }
    }

    byte[] encrypt(byte[] plaintext, String path, String versionId) {
        try {
            return envelope.encrypt(plaintext, associatedData(path, versionId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("encryption failed for a version of " + path, e);
        }
    }

    byte[] decrypt(byte[] ciphertext, String path, String versionId) {
        try {
            return envelope.decrypt(ciphertext, associatedData(path, versionId));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("version " + versionId + " of " + path
                    + " cannot be decrypted: wrong key-encryption keyset, or the stored value was altered");
        }
    }

    private static byte[] associatedData(String path, String versionId) {
        return ("rekey/v1|" + path + "|" + versionId).getBytes(StandardCharsets.UTF_8);
    }
}
