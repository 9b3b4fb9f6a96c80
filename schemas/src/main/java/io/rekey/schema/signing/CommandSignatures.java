package io.rekey.schema.signing;

import io.rekey.schema.RotationCommand;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.util.Base64;
import java.util.Objects;

/**
 * Ed25519 signatures over the canonical form of a {@link RotationCommand}.
 *
 * <p>The canonical form is a fixed, versioned list of {@code name=value} lines in a fixed order, every text
 * value base64url-encoded, so no value can smuggle a separator and the bytes do not depend on the Avro
 * schema version either side runs. Every field except the signature is covered, including the issuer key id.
 */
public final class CommandSignatures {

    private static final String ALGORITHM = "Ed25519";
    private static final String VERSION = "rekey.RotationCommand.v1";

    private CommandSignatures() {
    }

    public static byte[] canonicalForm(RotationCommand command) {
        Objects.requireNonNull(command, "command must not be null");
        StringBuilder out = new StringBuilder(VERSION).append('\n');
        line(out, "id", text(command.getId()));
        line(out, "occurredAt", millis(command.getOccurredAt()));
        line(out, "rotationId", text(command.getRotationId()));
        line(out, "secretId", text(command.getSecretId()));
        line(out, "reason", command.getReason() == null ? "~" : command.getReason().name());
        line(out, "priority", Integer.toString(command.getPriority()));
        line(out, "requestedBy", text(command.getRequestedBy()));
        line(out, "incidentId", text(command.getIncidentId()));
        line(out, "force", Boolean.toString(command.getForce()));
        line(out, "dryRun", Boolean.toString(command.getDryRun()));
        line(out, "gracePeriodMs", command.getGracePeriodMs() == null ? "~" : Long.toString(command.getGracePeriodMs()));
        line(out, "issuedAt", millis(command.getIssuedAt()));
        line(out, "issuerKeyId", text(command.getIssuerKeyId()));
        return out.toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** A copy of {@code command} attributed to {@code keyId} and signed with {@code key}. */
    public static RotationCommand sign(RotationCommand command, String keyId, PrivateKey key) {
        Objects.requireNonNull(keyId, "keyId must not be null");
        Objects.requireNonNull(key, "key must not be null");
        RotationCommand attributed = RotationCommand.newBuilder(command)
                .setIssuerKeyId(keyId)
                .setSignature(ByteBuffer.allocate(0))
                .build();
        try {
            Signature signer = Signature.getInstance(ALGORITHM);
            signer.initSign(key);
            signer.update(canonicalForm(attributed));
            attributed.setSignature(ByteBuffer.wrap(signer.sign()));
            return attributed;
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with the given key (an Ed25519 private key is required)", e);
        }
    }

    /** Whether {@code command}'s signature is valid for {@code key}. */
    public static boolean verify(RotationCommand command, PublicKey key) {
        ByteBuffer signature = command.getSignature();
        if (signature == null || signature.remaining() == 0) {
            return false;
        }
        byte[] bytes = new byte[signature.remaining()];
        signature.duplicate().get(bytes);
        try {
            Signature verifier = Signature.getInstance(ALGORITHM);
            verifier.initVerify(key);
            verifier.update(canonicalForm(command));
            return verifier.verify(bytes);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    private static void line(StringBuilder out, String name, String value) {
        out.append(name).append('=').append(value).append('\n');
    }

    private static String text(String value) {
        return value == null ? "~" : Base64.getUrlEncoder().withoutPadding().encodeToString(value.getBytes(StandardCharsets.UTF_8));
    }

    private static String millis(java.time.Instant instant) {
        return instant == null ? "~" : Long.toString(instant.toEpochMilli());
    }
}
