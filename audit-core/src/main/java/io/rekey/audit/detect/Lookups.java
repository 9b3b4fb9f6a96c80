package io.rekey.audit.detect;

/** What detectors look up outside a principal's own state: its pair history, and the registry's honeytokens. */
public interface Lookups {

    /** Event time a (principal, secret) pair was last recorded, or {@link PrincipalState#NONE}. */
    long pairLastSeen(String principalId, String secretId);

    /** Records a (principal, secret) pair as seen at {@code time}. */
    void pairSeen(String principalId, String secretId, long time);

    /** Whether the registry tags the secret as a honeytoken. */
    boolean isHoneytoken(String secretId);
}
