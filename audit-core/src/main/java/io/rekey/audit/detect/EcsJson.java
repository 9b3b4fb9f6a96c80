package io.rekey.audit.detect;

import inet.ipaddr.IPAddressString;
import io.rekey.audit.config.AuditSettings;
import io.rekey.schema.Anomaly;
import io.rekey.schema.Severity;
import io.rekey.schema.audit.CanonicalJson;

import java.time.Instant;
import java.util.List;

/**
 * An anomaly as one line of JSON in Elastic Common Schema style, for SIEMs that ingest JSON: an alert event
 * ({@code event.kind: alert}) with the principal as {@code user.id}, addresses and countries under {@code source}
 * and {@code related}, the rule under {@code rule}, and everything else under {@code rekey.anomaly}. Written by hand
 * (anomalies are rare, but the format must not depend on a JSON library's defaults).
 */
public final class EcsJson {

    private EcsJson() {
    }

    public static String of(Anomaly a) {
        StringBuilder j = new StringBuilder(1024);
        j.append("{\"@timestamp\":");
        time(j, a.getOccurredAt());
        j.append(",\"message\":");
        CanonicalJson.appendString(j, a.getDescription());
        j.append(",\"ecs\":{\"version\":\"8.11.0\"}");
        j.append(",\"event\":{\"kind\":\"alert\",\"category\":[\"iam\"],\"type\":[\"info\"],\"module\":\"rekey\",\"dataset\":\"rekey.anomalies\"");
        j.append(",\"id\":");
        CanonicalJson.appendString(j, a.getId());
        j.append(",\"action\":");
        CanonicalJson.appendString(j, AuditSettings.detectorName(a.getType()));
        j.append(",\"severity\":").append(score(a.getSeverity()));
        j.append(",\"risk_score\":").append(score(a.getSeverity()));
        j.append(",\"created\":");
        time(j, a.getDetectedAt());
        if (a.getWindowStart() != null && a.getWindowEnd() != null) {
            j.append(",\"start\":");
            time(j, a.getWindowStart());
            j.append(",\"end\":");
            time(j, a.getWindowEnd());
        }
        j.append(",\"reason\":");
        CanonicalJson.appendString(j, a.getDescription());
        j.append("},\"rule\":{\"name\":");
        CanonicalJson.appendString(j, a.getType().name());
        j.append(",\"description\":");
        CanonicalJson.appendString(j, a.getRule());
        j.append(",\"ruleset\":\"rekey-audit-stream\"},\"user\":{\"id\":");
        CanonicalJson.appendString(j, a.getPrincipalId());
        j.append('}');
        // ECS typing: source.ip must hold an address; anything else stays in rekey.anomaly only.
        List<String> ips = a.getSourceIps().stream().filter(s -> new IPAddressString(s).isIPAddress()).toList();
        String ip = ips.isEmpty() ? null : ips.get(0);
        String country = a.getCountries().isEmpty() ? null : a.getCountries().get(0);
        if (ip != null || country != null) {
            j.append(",\"source\":{");
            if (ip != null) {
                j.append("\"ip\":");
                CanonicalJson.appendString(j, ip);
            }
            if (country != null) {
                j.append(ip != null ? "," : "").append("\"geo\":{\"country_iso_code\":");
                CanonicalJson.appendString(j, country).append('}');
            }
            j.append('}');
        }
        j.append(",\"related\":{\"user\":[");
        CanonicalJson.appendString(j, a.getPrincipalId()).append(']');
        if (!ips.isEmpty()) {
            j.append(",\"ip\":");
            CanonicalJson.appendValue(j, ips);
        }
        j.append("},\"rekey\":{\"anomaly\":{\"type\":");
        CanonicalJson.appendString(j, a.getType().name());
        j.append(",\"severity\":");
        CanonicalJson.appendString(j, a.getSeverity().name());
        j.append(",\"count\":").append(a.getCount());
        j.append(",\"suppressed_count\":").append(a.getSuppressedCount());
        j.append(",\"secret_ids\":");
        CanonicalJson.appendValue(j, a.getSecretIds());
        j.append(",\"evidence\":");
        CanonicalJson.appendValue(j, a.getEvidence());
        j.append(",\"source_ips\":");
        CanonicalJson.appendValue(j, a.getSourceIps());
        j.append(",\"countries\":");
        CanonicalJson.appendValue(j, a.getCountries());
        return j.append("}}}").toString();
    }

    /** ECS event.severity and risk score, on the 0-100 scale Elastic's detection rules use. */
    static int score(Severity severity) {
        return switch (severity) {
            case CRITICAL -> 99;
            case HIGH -> 73;
            case MEDIUM -> 47;
            case LOW -> 21;
            default -> 1;
        };
    }

    private static void time(StringBuilder j, Instant instant) {
        CanonicalJson.appendString(j, instant.toString());
    }
}
