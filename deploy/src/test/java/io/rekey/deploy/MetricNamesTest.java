package io.rekey.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import static org.assertj.core.api.Assertions.assertThat;

/** The alert rules and the dashboard use only metrics the services export (see {@link ExportedMetrics}). */
class MetricNamesTest {

    private static Set<String> exported;

    @BeforeAll
    static void exportedNames() {
        exported = new TreeSet<>(ExportedMetrics.prometheusNames(ExportedMetrics.registeredInCode()));
        exported.addAll(ExportedMetrics.SYNTHETIC);
        exported.addAll(ExportedMetrics.LIBRARY.keySet());
    }

    @Test
    void theCodeScanFindsTheMetersTheDesignPromises() {
        assertThat(exported).contains("rekey_secrets_rotation_total", "rekey_secrets_access_total",
                "rekey_secrets_expiry_warnings_total", "rekey_secret_access_anomalies_total", "rekey_secrets_health_status",
                "rekey_rotation_phase_duration_seconds_bucket", "rekey_rotation_phase_duration_seconds_count",
                "rekey_rotations_in_flight", "rekey_audit_late_events_total", "rekey_dlq_messages_total",
                "rekey_audit_dead_letters_total", "rekey_rotation_commands_total");
    }

    @Test
    void readsMetricNamesOutOfPromQl() {
        assertThat(PromQl.metricNames("histogram_quantile(0.95, sum by (le, phase) (rate(a_seconds_bucket{job=\"x\"}[5m])))"))
                .containsExactly("a_seconds_bucket");
        assertThat(PromQl.metricNames("(sum(increase(b_total[15m])) or vector(0)) + sum(up{job=~\"a|b\"}) > 0 or absent(c)"))
                .containsExactly("b_total", "c", "up");
    }

    @Test
    void theAlertRulesCoverWhatOperatorsMustHearAboutAndUseOnlyExportedMetrics() {
        Map<String, String> rules = new LinkedHashMap<>();
        for (JsonNode group : Repo.yaml("deploy/prometheus/alerts.yml").path("groups")) {
            for (JsonNode rule : group.path("rules")) {
                rules.put(rule.path("alert").asText(), rule.path("expr").asText());
            }
        }
        assertThat(rules).containsKeys("RekeyRotationFailed", "RekeySecretExpiringSoon", "RekeyAccessAnomaly",
                "RekeyDeadLettersGrowing", "RekeyWorkerDown");
        rules.forEach((alert, expr) -> assertUsesExportedMetrics("alert " + alert, expr));
    }

    @Test
    void theDashboardShowsEachAreaAndUsesOnlyExportedMetrics() {
        JsonNode dashboard = Repo.json("deploy/grafana/rekey-dashboard.json");
        List<String> rows = new ArrayList<>();
        int queries = 0;
        for (JsonNode panel : dashboard.path("panels")) {
            if (panel.path("type").asText().equals("row")) {
                rows.add(panel.path("title").asText());
            }
            for (JsonNode target : panel.path("targets")) {
                assertUsesExportedMetrics("panel " + panel.path("title").asText(), target.path("expr").asText());
                queries++;
            }
        }
        assertThat(rows).containsExactly("Lifecycle overview", "Rotation status and latency", "Access patterns and anomalies", "Health");
        assertThat(queries).isGreaterThanOrEqualTo(15);
    }

    private static void assertUsesExportedMetrics(String where, String expr) {
        Set<String> used = PromQl.metricNames(expr);
        assertThat(used).as("%s selects no metric: %s", where, expr).isNotEmpty();
        assertThat(exported).as("%s uses metrics no service exports: %s", where, expr).containsAll(used);
    }
}
