package io.rekey.worker.target.mariadb;

import io.rekey.store.SecretValue;
import io.rekey.worker.target.TargetException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class MariadbUserTargetTest {

    @Test
    void theNativePasswordHashIsTheOneMariadbComputes() {
        // SELECT PASSWORD('password') on MariaDB and MySQL 5.7
        assertThat(MariadbUserTarget.nativePasswordHash(SecretValue.of("password"))).isEqualTo("*2470C0C06DEE42FD1618BB99005ADCA2EC9D1E19");
    }

    @Test
    void accountNamesAreBacktickIdentifiersSoNoQuoteOrBackslashEndsThem() {
        assertThat(MariadbUserTarget.quote("app")).isEqualTo("`app`");
        assertThat(MariadbUserTarget.quote("a`b' OR 1=1 -- \\")).isEqualTo("`a``b' OR 1=1 -- \\`");
        assertThatThrownBy(() -> MariadbUserTarget.quote("a\0b")).isInstanceOf(TargetException.class);
    }
}
