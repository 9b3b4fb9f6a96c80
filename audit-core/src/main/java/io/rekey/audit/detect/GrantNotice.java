package io.rekey.audit.detect;

import java.util.Objects;

/**
 * Tells the grantee's detector about a grant that would be an escalation if used (a self-grant, or a grant by a
 * principal without that right). The grantee's state may live in another task, so the notice travels keyed by the
 * grantee.
 *
 * @param secretId the secret granted, or {@code null} for a grant not limited to one secret
 */
public record GrantNotice(String grantEventId, String granter, String grantee, String secretId, long grantedAt) {

    public GrantNotice {
        Objects.requireNonNull(grantEventId, "grantEventId must not be null");
        Objects.requireNonNull(granter, "granter must not be null");
        Objects.requireNonNull(grantee, "grantee must not be null");
    }

    public byte[] toBytes() {
        return new Binary.Writer(96).writeByte(1).writeString(grantEventId).writeString(granter).writeString(grantee)
                .writeString(secretId).writeLong(grantedAt).toByteArray();
    }

    public static GrantNotice fromBytes(byte[] bytes) {
        Binary.Reader in = new Binary.Reader(bytes);
        int version = in.readByte();
        if (version != 1) {
            throw new IllegalStateException("grant notice version " + version + " is not supported");
        }
        return new GrantNotice(in.readString(), in.readString(), in.readString(), in.readString(), in.readLong());
    }
}
