package io.rekey.worker.target.account;

import io.rekey.schema.RotationStrategy;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.testkit.Samples;
import io.rekey.worker.secret.CredentialGenerator;
import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetContext;
import io.rekey.worker.target.TargetException;
import io.rekey.worker.target.TargetParams;
import io.rekey.worker.target.UserCredential;
import org.junit.jupiter.api.Test;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AccountTargetTest {

    private final Recording target = new Recording();

    @Test
    void generateWritesTheAccountCurrentDoesNotName() {
        assertThat(generatedUser(null)).as("nothing stored: the alternate").isEqualTo("app_clone");
        assertThat(generatedUser(json("app", "pw"))).isEqualTo("app_clone");
        assertThat(generatedUser(json("app_clone", "pw"))).isEqualTo("app");
        assertThat(generatedUser(SecretValue.of("bare-password-of-app"))).as("a bare password is the primary's").isEqualTo("app_clone");
        assertThatThrownBy(() -> generatedUser(json("mallory", "pw"))).isInstanceOf(TargetException.class)
                .hasMessageContaining("names account 'mallory', which is neither 'app' nor 'app_clone'");
    }

    @Test
    void deployEnablesTheInactiveAccountWithItsNewPasswordAndVerifyLogsInAsIt() {
        TargetContext context = context(Map.of(), json("app_clone", "new-pw"), json("app", "live-pw"), null);

        target.deploy(context);
        target.verify(context);

        assertThat(target.calls).containsExactly("set app_clone new-pw enable", "login app_clone new-pw");
    }

    @Test
    void rollbackUnderKeepGivesTheInactiveAccountItsPreviousPasswordBackAndNeverTouchesTheLiveOne() {
        target.rollback(context(Map.of(), json("app", "new-pw"), json("app_clone", "live-pw"), json("app", "previous-pw")));

        assertThat(target.calls).containsExactly("set app previous-pw enable");
    }

    @Test
    void rollbackWithoutThatPreviousPasswordDisablesTheInactiveAccount() {
        target.rollback(context(Map.of(), json("app_clone", "new-pw"), json("app", "live-pw"), null));
        target.rollback(context(Map.of("previousUser", "disable"), json("app", "new-pw"), json("app_clone", "live-pw"), json("app", "old")));

        assertThat(target.calls).containsExactly("disable app_clone", "disable app");
    }

    @Test
    void cleanupDisablesThePreviousAccountOnlyUnderDisableAndNeverTheLiveOne() {
        target.cleanup(context(Map.of(), null, json("app_clone", "live"), json("app", "old")));
        target.cleanup(context(Map.of("previousUser", "disable"), null, json("app_clone", "live"), json("app", "old")));
        target.cleanup(context(Map.of("previousUser", "disable"), null, json("app", "live"), json("app", "old")));

        assertThat(target.calls).containsExactly("disable app");
    }

    @Test
    void singleUserSetsThePasswordOfTheOneAccountAndRollbackSetsCurrentBack() {
        SecretDescriptor descriptor = descriptor(Map.of(), RotationStrategy.SINGLE_USER);
        target.deploy(new TargetContext(descriptor, "r-1", Optional.of(SecretValue.of("new")), Optional.of(SecretValue.of("live")),
                Optional.empty(), id -> null));
        target.rollback(new TargetContext(descriptor, "r-1", Optional.of(SecretValue.of("new")), Optional.of(SecretValue.of("live")),
                Optional.empty(), id -> null));

        assertThat(target.calls).containsExactly("set app new keep", "set app live keep");
    }

    @Test
    void theSameAccountTwiceIsRefusedAtValidation() {
        assertThatThrownBy(() -> target.validate(descriptor(Map.of("alternateUser", "app"), RotationStrategy.ALTERNATING_USERS)))
                .hasMessage("target parameter 'alternateUser' of db/app must name another account than parameter 'user' ('app')");
        assertThatThrownBy(() -> target.validate(descriptor(Map.of(), RotationStrategy.DUAL_KEY))).hasMessageContaining("not DUAL_KEY");
    }

    private String generatedUser(SecretValue current) {
        TargetContext context = new TargetContext(descriptor(Map.of(), RotationStrategy.ALTERNATING_USERS), "r-1", Optional.empty(),
                Optional.ofNullable(current), Optional.empty(), id -> null);
        return UserCredential.parse(target.generate(context, new CredentialGenerator(new SecureRandom())), "app").username();
    }

    private static SecretValue json(String user, String password) {
        return new UserCredential(user, SecretValue.of(password)).toSecretValue();
    }

    private static TargetContext context(Map<String, String> params, SecretValue pending, SecretValue current, SecretValue previous) {
        return new TargetContext(descriptor(params, RotationStrategy.ALTERNATING_USERS), "r-1", Optional.ofNullable(pending),
                Optional.ofNullable(current), Optional.ofNullable(previous), id -> null);
    }

    private static SecretDescriptor descriptor(Map<String, String> params, RotationStrategy strategy) {
        SecretDescriptor descriptor = Samples.descriptor("db/app");
        Map<String, String> all = new HashMap<>(Map.of("user", "app"));
        all.putAll(params);
        descriptor.getTarget().setKind(TargetKind.MARIADB);
        descriptor.getTarget().setParams(all);
        descriptor.setStrategy(strategy);
        return descriptor;
    }

    /** Records what the strategy asks of the accounts. */
    private static final class Recording extends AccountTarget {
        final List<String> calls = new ArrayList<>();

        @Override
        public TargetKind kind() {
            return TargetKind.MARIADB;
        }

        @Override
        protected String userParam() {
            return "user";
        }

        @Override
        protected String alternateParam() {
            return "alternateUser";
        }

        @Override
        protected void validateConnection(TargetParams params) {
        }

        @Override
        protected void setPassword(TargetContext context, String user, SecretValue password, boolean enableLogin, String operation) {
            calls.add("set " + user + " " + password.reveal() + (enableLogin ? " enable" : " keep"));
        }

        @Override
        protected void disableLogin(TargetContext context, String user, String operation) {
            calls.add("disable " + user);
        }

        @Override
        protected void login(TargetContext context, String user, SecretValue password) {
            calls.add("login " + user + " " + password.reveal());
        }
    }
}
