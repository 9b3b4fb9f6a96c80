package io.rekey.schema.signing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;

/**
 * Ed25519 issuer keys in PEM (or bare base64 DER): public keys as X.509 SubjectPublicKeyInfo, private keys
 * as PKCS#8, the formats {@code openssl genpkey -algorithm ed25519} writes.
 */
public final class IssuerKeys {

    private static final String ALGORITHM = "Ed25519";

    private IssuerKeys() {
    }

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JDK has no Ed25519", e);
        }
    }

    public static PublicKey publicKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (expected PEM 'PUBLIC KEY' or base64 X.509 DER)", e);
        }
    }

    public static PrivateKey privateKey(String pemOrBase64) {
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der(pemOrBase64)));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            // Never echo the input: it is a private key.
            throw new IllegalArgumentException("not an Ed25519 private key (expected PEM 'PRIVATE KEY' or base64 PKCS#8 DER)");
        }
    }

    public static PrivateKey readPrivateKey(Path file) throws IOException {
        return privateKey(Files.readString(file, StandardCharsets.US_ASCII));
    }

    public static String publicPem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String privatePem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static byte[] der(String pemOrBase64) {
        String body = pemOrBase64.replaceAll("-----(BEGIN|END) [A-Z ]+-----", "").replaceAll("\\s", "");
        return Base64.getDecoder().decode(body);
    }
}
