package io.rekey.audit.stream;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rekey.schema.Anomaly;
import org.junit.jupiter.api.Test;

import static io.rekey.audit.stream.AuditDriver.T0;
import static io.rekey.audit.stream.AuditDriver.read;
import static org.assertj.core.api.Assertions.assertThat;

class EcsOutputTopologyTest {

    @Test
    void eachAnomalyIsAlsoOneEcsJsonLine() throws Exception {
        try (AuditDriver d = AuditDriver.with("ecs-output.enabled", "true")) {
            d.send(read("alice", "db/orders", T0).setCountry("RU").setSourceIp("203.0.113.9"));
            Anomaly geo = d.anomalies().get(0);
            var lines = d.ecs();
            assertThat(lines).hasSize(2).allSatisfy(line -> assertThat(line).doesNotContain("\n"));

            JsonNode json = new ObjectMapper().readTree(lines.get(0));
            assertThat(json.at("/@timestamp").asText()).isEqualTo("2026-11-23T09:00:00Z");
            assertThat(json.at("/event/kind").asText()).isEqualTo("alert");
            assertThat(json.at("/event/id").asText()).isEqualTo(geo.getId());
            assertThat(json.at("/event/severity").asInt()).isEqualTo(73);
            assertThat(json.at("/rule/name").asText()).isEqualTo("GEOGRAPHIC_VIOLATION");
            assertThat(json.at("/user/id").asText()).isEqualTo("alice");
            assertThat(json.at("/source/ip").asText()).isEqualTo("203.0.113.9");
            assertThat(json.at("/source/geo/country_iso_code").asText()).isEqualTo("RU");
            assertThat(json.at("/rekey/anomaly/secret_ids/0").asText()).isEqualTo("db/orders");
            assertThat(json.at("/rekey/anomaly/evidence/0").asText()).isEqualTo(geo.getEvidence().get(0));
        }
    }

    @Test
    void noEcsLinesUnlessEnabled() {
        try (AuditDriver d = AuditDriver.with()) {
            d.send(read("alice", "db/orders", T0).setCountry("RU"));
            assertThat(d.ecs()).isEmpty();
        }
    }
}
