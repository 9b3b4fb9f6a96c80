package io.rekey.store;

/**
 * Staging labels, as in AWS Secrets Manager: a label is on at most one version of a secret; a version may
 * carry several; a version with none is deprecated and may be deleted.
 */
public enum Label {
    /** The version services use. */
    CURRENT,
    /** The new version of a rotation in flight, written before the target is touched. */
    PENDING,
    /** The version CURRENT left when it last moved; still valid at the target during a grace period. */
    PREVIOUS
}
