package io.rekey.schema.audit;

import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class CanonicalJsonTest {

    @Test
    void recordFieldsInSchemaOrderMapsSortedTimestampsAsMillis() {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("z", "last");
        details.put("a", "first");
        AccessEvent event = AccessEvent.newBuilder()
                .setId("e-1").setOccurredAt(Instant.ofEpochMilli(1234)).setPrincipalId("alice").setSecretId(null)
                .setAction(AccessAction.LIST).setOutcome(AccessResult.SUCCESS).setSourceIp("10.0.0.1").setCountry("GB")
                .setUserAgent("agent \"quoted\"").setSessionId(null).setTargetPrincipalId(null).setDetails(details)
                .build();

        assertThat(CanonicalJson.of(event)).isEqualTo("{\"id\":\"e-1\",\"occurredAt\":1234,\"principalId\":\"alice\","
                + "\"secretId\":null,\"action\":\"LIST\",\"outcome\":\"SUCCESS\",\"sourceIp\":\"10.0.0.1\",\"country\":\"GB\","
                + "\"userAgent\":\"agent \\\"quoted\\\"\",\"sessionId\":null,\"targetPrincipalId\":null,"
                + "\"details\":{\"a\":\"first\",\"z\":\"last\"}}");
    }

    @Test
    void escapesLikeJcs() {
        assertThat(CanonicalJson.appendString(new StringBuilder(), "a\\b\u0000\u001f\b\f\n\r\t\u007fé€").toString())
                .isEqualTo("\"a\\\\b\\u0000\\u001f\\b\\f\\n\\r\\t\u007fé€\"");
    }
}
