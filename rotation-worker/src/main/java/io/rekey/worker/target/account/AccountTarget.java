package io.rekey.worker.target.account;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.worker.secret.CredentialPolicy;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.RotationTarget;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.UserCredential;

import java.util.Optional;

/**
 * Database login accounts, rotated with one of two strategies; subclasses say how to set a password, let an account
 * log in or not, and log in.
 *
 * <p><b>SINGLE_USER</b>: the secret is the password of one account. Deploy sets it (the old one stops working at
 * once), verify logs in with it, rollback sets CURRENT back, cleanup has nothing left to revoke.
 *
 * <p><b>ALTERNATING_USERS</b> (AWS's and Vault's "two users" scheme): two accounts with the same privileges, the
 * primary and its alternate (default {@code <primary>_clone}); the secret is {@code {"username","password"}}
 * of the one that is live. A rotation writes the other one (generate picks the user CURRENT does not name), enables
 * its login, verifies it, and promotion flips CURRENT to it; the account CURRENT leaves keeps working, so clients
 * that have not reloaded yet are not cut off. How long: parameter {@code previousUser} = {@code keep} (default:
 * until the next rotation overwrites it) or {@code disable} (its login is disabled at cleanup, when the grace period
 * ends). Rollback restores the inactive account as it was: its previous password under {@code keep}, disabled
 * otherwise. Both accounts must exist; rekey never creates accounts or grants privileges.
 */
public abstract class AccountTarget implements RotationTarget {

    static final String KEEP = "keep";
    static final String DISABLE = "disable";

    /** Parameter naming the primary account ({@code role}, {@code user}). */
    protected abstract String userParam();

    /** Parameter naming the alternate account. */
    protected abstract String alternateParam();

    /** Checks the connection parameters (ports, modes); a wrong one throws {@link TargetException#permanent}. */
    protected abstract void validateConnection(TargetParams params);

    /** Sets {@code user}'s password; with {@code enableLogin} also lets it log in. Idempotent. */
    protected abstract void setPassword(TargetContext context, String user, SecretValue password, boolean enableLogin, String operation);

    /** Stops {@code user} from logging in. Idempotent. */
    protected abstract void disableLogin(TargetContext context, String user, String operation);

    /** Logs in as {@code user} with {@code password} and checks who the server thinks it is. */
    protected abstract void login(TargetContext context, String user, SecretValue password);

    /** Longest account name the server accepts. */
    protected int maxUserLength() {
        return 63;
    }

    @Override
    public CredentialPolicy credentialPolicy(SecretDescriptor descriptor) {
        return CredentialPolicy.DATABASE_PASSWORD;
    }

    @Override
    public void validate(SecretDescriptor descriptor) {
        TargetParams.requireStrategy(descriptor, RotationStrategy.SINGLE_USER, RotationStrategy.ALTERNATING_USERS);
        TargetParams params = TargetParams.of(descriptor);
        validateConnection(params);
        Users users = users(params, descriptor.getStrategy());
        if (users.alternating() && users.primary().equals(users.alternate())) {
            throw TargetException.permanent("target parameter '" + alternateParam() + "' of " + descriptor.getSecretId()
                    + " must name another account than parameter '" + userParam() + "' ('" + users.primary() + "')");
        }
    }

    @Override
    public SecretValue generate(TargetContext context, CredentialGenerator generator) {
        Users users = users(context);
        if (!users.alternating()) {
            return RotationTarget.super.generate(context, generator);
        }
        String next = users.inactive(context.current());
        try (SecretValue password = generator.generate(credentialPolicy(context.descriptor()))) {
            return new UserCredential(next, password).toSecretValue();
        }
    }

    @Override
    public void deploy(TargetContext context) {
        Users users = users(context);
        if (!users.alternating()) {
            setPassword(context, users.primary(), context.requirePending(), false, "deploy");
            return;
        }
        try (UserCredential pending = users.credential(context.requirePending())) {
            users.requireKnown(pending.username());
            setPassword(context, pending.username(), pending.password(), true, "deploy");
        }
    }

    @Override
    public void verify(TargetContext context) {
        Users users = users(context);
        if (!users.alternating()) {
            login(context, users.primary(), context.requirePending());
            return;
        }
        try (UserCredential pending = users.credential(context.requirePending())) {
            login(context, pending.username(), pending.password());
        }
    }

    @Override
    public void rollback(TargetContext context) {
        Users users = users(context);
        SecretValue currentValue = context.current().orElseThrow(() ->
                TargetException.permanent("rollback: no CURRENT credential to restore for " + users.primary()));
        if (!users.alternating()) {
            setPassword(context, users.primary(), currentValue, false, "rollback");
            return;
        }
        if (context.pending().isEmpty()) {
            return;
        }
        try (UserCredential pending = users.credential(context.pending().get());
             UserCredential current = users.credential(currentValue)) {
            if (pending.username().equals(current.username())) {
                setPassword(context, current.username(), current.password(), true, "rollback");
                return;
            }
            Optional<UserCredential> previous = context.previous().map(users::credential);
            try {
                if (users.keepPrevious() && previous.isPresent() && previous.get().username().equals(pending.username())) {
                    setPassword(context, pending.username(), previous.get().password(), true, "rollback");
                } else {
                    disableLogin(context, pending.username(), "rollback");
                }
            } finally {
                previous.ifPresent(UserCredential::close);
            }
        }
    }

    @Override
    public void cleanup(TargetContext context) {
        Users users = users(context);
        if (!users.alternating() || users.keepPrevious() || context.previous().isEmpty()) {
            return;
        }
        try (UserCredential previous = users.credential(context.previous().get())) {
            Optional<UserCredential> current = context.current().map(users::credential);
            try {
                if (current.isPresent() && current.get().username().equals(previous.username())) {
                    return; // CURRENT is on that account again (someone wrote it): it must keep working
                }
            } finally {
                current.ifPresent(UserCredential::close);
            }
            disableLogin(context, previous.username(), "cleanup");
        }
    }

    private Users users(TargetContext context) {
        return users(context.parameters(), context.descriptor().getStrategy());
    }

    private Users users(TargetParams params, RotationStrategy strategy) {
        String primary = params.name(userParam(), null, maxUserLength());
        String alternate = params.name(alternateParam(), primary + "_clone", maxUserLength());
        String previousUser = params.oneOf("previousUser", KEEP, KEEP, DISABLE);
        return new Users(strategy == RotationStrategy.ALTERNATING_USERS, primary, alternate, previousUser.equals(KEEP));
    }

    /** The two accounts of ALTERNATING_USERS and which one a value names. */
    record Users(boolean alternating, String primary, String alternate, boolean keepPrevious) {

        /** The account a new credential goes to: the one CURRENT does not name (the alternate when nothing is stored). */
        String inactive(Optional<SecretValue> current) {
            if (current.isEmpty()) {
                return alternate;
            }
            try (UserCredential live = credential(current.get())) {
                requireKnown(live.username());
                return live.username().equals(primary) ? alternate : primary;
            }
        }

        UserCredential credential(SecretValue value) {
            return UserCredential.parse(value, primary);
        }

        void requireKnown(String username) {
            if (!username.equals(primary) && !username.equals(alternate)) {
                throw TargetException.permanent("stored credential names account '" + username + "', which is neither '"
                        + primary + "' nor '" + alternate + "'");
            }
        }
    }
}
