package io.rekey.audit.config;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class CidrAllowListTest {

    private final CidrAllowList list = CidrAllowList.of("test", List.of("10.0.0.0/8", "192.168.1.7/24", "2001:db8:1::/48", "203.0.113.5"));

    @ParameterizedTest
    @CsvSource({
            "10.0.0.0, ALLOWED", "10.255.255.255, ALLOWED", "11.0.0.0, OUTSIDE", "9.255.255.255, OUTSIDE",
            "192.168.1.200, ALLOWED", "192.168.2.1, OUTSIDE",
            "203.0.113.5, ALLOWED", "203.0.113.6, OUTSIDE",
            "2001:db8:1:ffff::1, ALLOWED", "2001:db8:2::1, OUTSIDE", "2001:DB8:1::A, ALLOWED",
            "::ffff:10.1.2.3, ALLOWED", "::ffff:11.1.2.3, OUTSIDE", "fe80::1%eth0, OUTSIDE",
            "10.1, NOT_AN_ADDRESS", "10.0.0.0/8, NOT_AN_ADDRESS", "10.*.0.1, NOT_AN_ADDRESS", "localhost, NOT_AN_ADDRESS",
            "' 10.0.0.1 ', ALLOWED"
    })
    void classifiesAddresses(String address, CidrAllowList.Verdict verdict) {
        assertThat(list.check(address)).isEqualTo(verdict);
    }

    @Test
    void anEmptyListAllowsNothing() {
        assertThat(CidrAllowList.of("test", List.of()).check("10.0.0.1")).isEqualTo(CidrAllowList.Verdict.OUTSIDE);
    }
}
