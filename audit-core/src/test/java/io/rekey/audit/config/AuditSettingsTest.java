package io.rekey.audit.config;

import io.rekey.schema.AnomalyType;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class AuditSettingsTest {

    @Test
    void defaultsAreThoseOfTheDesign() {
        AuditConfig c = AuditConfig.defaults();
        assertThat(c.detector(AnomalyType.EXCESSIVE_ACCESS).threshold()).isEqualTo(20);
        assertThat(c.detector(AnomalyType.EXCESSIVE_ACCESS).window()).isEqualTo(Duration.ofMinutes(10));
        assertThat(c.detector(AnomalyType.FAILED_ATTEMPTS).threshold()).isEqualTo(5);
        assertThat(c.detector(AnomalyType.FAILED_ATTEMPTS).window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(c.detector(AnomalyType.FIRST_SEEN).window()).isEqualTo(Duration.ofDays(15));
        assertThat(c.detector(AnomalyType.UNUSUAL_LOCATION).window()).isEqualTo(Duration.ofDays(30));
        assertThat(c.detector(AnomalyType.CONCURRENT_ACCESS).threshold()).isEqualTo(3);
        assertThat(c.detector(AnomalyType.CONCURRENT_ACCESS).window()).isEqualTo(Duration.ofMinutes(1));
        assertThat(c.allowedCountries()).containsExactlyInAnyOrder("GB", "IE", "DE", "FR", "NL");
        assertThat(c.allowedCidrs().blocks()).containsExactly("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16");
        assertThat(c.topics().anomalies()).isEqualTo("rekey.anomalies");
        assertThat(c.streams().commitInterval()).isEqualTo(Duration.ofMillis(100));
        assertThat(c.auditLogEnabled()).isTrue();
        assertThat(c.ecsOutputEnabled()).isFalse();
    }

    @Test
    void everyDetectorHasItsCommonSettings() {
        for (AnomalyType type : AuditSettings.detectorTypes()) {
            String name = AuditSettings.detectorName(type);
            assertThat(AuditSettings.ALL).extracting(AuditSettings.Setting::name)
                    .contains(name + ".enabled", name + ".allow-principals", name + ".cooldown");
        }
    }

    @Test
    void environmentVariableNamesFollowTheKeys() {
        AuditSettings.Setting setting = AuditSettings.ALL.stream()
                .filter(s -> s.name().equals("excessive-access.threshold")).findFirst().orElseThrow();
        assertThat(setting.key()).isEqualTo("rekey.audit.excessive-access.threshold");
        assertThat(setting.env()).isEqualTo("REKEY_AUDIT_EXCESSIVE_ACCESS_THRESHOLD");
    }

    @Test
    void valuesAreParsedInBothDurationStyles() {
        AuditConfig c = AuditSettings.parse(Map.of("rekey.audit.grace", "90s", "rekey.audit.cooldown", "PT2H",
                "rekey.audit.excessive-access.window", "15m", "rekey.audit.first-seen.lookback", "30d",
                "rekey.audit.geographic-violation.allowed-countries", " us, ca ",
                "rekey.audit.privilege-escalation.admins", "secops-*,root"));
        assertThat(c.grace()).isEqualTo(Duration.ofSeconds(90));
        assertThat(c.cooldown()).isEqualTo(Duration.ofHours(2));
        assertThat(c.detector(AnomalyType.EXCESSIVE_ACCESS).window()).isEqualTo(Duration.ofMinutes(15));
        assertThat(c.detector(AnomalyType.FIRST_SEEN).window()).isEqualTo(Duration.ofDays(30));
        assertThat(c.allowedCountries()).containsExactlyInAnyOrder("US", "CA");
        assertThat(c.policyAdmins().matches("secops-ann")).isTrue();
        assertThat(c.policyAdmins().matches("rooted")).isFalse();
    }

    @Test
    void badValuesAreRefusedNamingTheSettingAndItsVariable() {
        assertRefused("rekey.audit.excessive-access.threshold", "0",
                "rekey.audit.excessive-access.threshold (REKEY_AUDIT_EXCESSIVE_ACCESS_THRESHOLD) must be a whole number from 1 to 10000, was '0'");
        assertRefused("rekey.audit.grace", "soon", "rekey.audit.grace (REKEY_AUDIT_GRACE) must be a duration");
        assertRefused("rekey.audit.grace", "PT0S", "must be a positive duration");
        assertRefused("rekey.audit.ip-range-violation.allowed-cidrs", "10.0.0.0/8,intranet",
                "rekey.audit.ip-range-violation.allowed-cidrs (REKEY_AUDIT_IP_RANGE_VIOLATION_ALLOWED_CIDRS): 'intranet' is not a CIDR block");
        assertRefused("rekey.audit.geographic-violation.allowed-countries", "GBR", "ISO 3166-1 alpha-2");
        assertRefused("rekey.audit.honeytoken.allow-principals", "svc-*-eu", "only a trailing * is allowed");
        assertRefused("rekey.audit.unusual-time.schedules", "alice=weekdays 9-5", "is not PRINCIPAL=DAYS HH:MM-HH:MM [ZONE]");
        assertRefused("rekey.audit.unusual-time.schedules", "alice=MON-FRI 08:00-18:00 Mars/Olympus", "unknown time zone");
        assertRefused("rekey.audit.audit-log.enabled", "yes", "must be true or false");
        assertRefused("rekey.audit.streams.replication-factor", "0", "-1 (broker default) or at least 1");
        assertRefused("rekey.audit.excessive-access.treshold", "5", "unknown setting rekey.audit.excessive-access.treshold");
    }

    private static void assertRefused(String key, String value, String message) {
        assertThatThrownBy(() -> AuditSettings.parse(Map.of(key, value)))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining(message);
    }
}
