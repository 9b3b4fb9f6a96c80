package io.rekey.lifecycle.it;

import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.LifecycleApp.Response;
import io.rekey.lifecycle.support.Logs;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.TargetKind;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/** The registry and lifecycle through the HTTP API, with real tokens, on the real broker and registry. */
@RekeyIntegrationTest
class RegistryApiIT extends SharedApp {

    RegistryApiIT(RekeyStack stack) {
        super(stack);
    }

    @Test
    void registeringWritesTheDescriptorAndLifecycleEventsAndReadsBackAtOnce() {
        String id = Secrets.uniqueId("db");

        Response created = app.post("/secrets", OPERATOR, Secrets.database(id));

        assertThat(created.status()).as(created.body()).isEqualTo(201);
        assertThat(created.header("Location")).contains("/secrets/" + id);
        assertThat(created.header("ETag")).contains("\"1\"");
        assertThat(created.<String>at("state")).isEqualTo("ACTIVATED");
        assertThat(created.<String>at("owner")).isEqualTo("team-orders");
        assertThat(created.<String>at("rotation", "schedule", "status")).isEqualTo("waiting");

        Response read = app.get("/secrets/" + id, VIEWER);
        assertThat(read.status()).isEqualTo(200);
        assertThat(read.<String>at("target", "kind")).isEqualTo("POSTGRESQL");
        Response encoded = app.get("/secrets/" + URLEncoder.encode(id, StandardCharsets.UTF_8), VIEWER);
        assertThat(encoded.<String>at("secretId")).as(encoded.body()).isEqualTo(id);

        Response history = app.get("/secrets/" + id + ":history", VIEWER);
        List<Map<String, Object>> events = history.at("events");
        assertThat(events).extracting(e -> e.get("type")).containsExactly("CREATED", "ACTIVATED");
        assertThat(events).extracting(e -> e.get("actor")).containsOnly("alice");

        SecretDescriptor descriptor = Logs.<SecretDescriptor>read(stack, Topics.REGISTRY.name(), id, Duration.ofSeconds(30),
                r -> !r.isEmpty()).get(0);
        assertThat(descriptor.getTarget().getKind()).isEqualTo(TargetKind.POSTGRESQL);
        assertThat(descriptor.getRotationPolicy().getIntervalDays()).isEqualTo(30);
        assertThat(descriptor.getUpdatedBy()).isEqualTo("alice");
        List<LifecycleEvent> lifecycle = Logs.read(stack, Topics.LIFECYCLE_EVENTS.name(), id, Duration.ofSeconds(30),
                r -> r.size() >= 2);
        assertThat(lifecycle).extracting(LifecycleEvent::getType).containsExactly(LifecycleEventType.CREATED, LifecycleEventType.ACTIVATED);
    }

    @Test
    @SuppressWarnings("unchecked")
    void invalidRegistrationIsProblemJsonNamingFieldsAndAllowedValues() {
        Map<String, Object> body = Secrets.database(Secrets.uniqueId("db"));
        body.put("type", "SSH_KEY");
        body.remove("owner");
        Secrets.withPolicy(body, "cron", "61 * * * *");
        ((Map<String, Object>) body.get("rotationPolicy")).remove("intervalDays");

        Response response = app.post("/secrets", OPERATOR, body);

        assertThat(response.status()).isEqualTo(400);
        assertThat(response.header("Content-Type")).hasValueSatisfying(t -> assertThat(t).startsWith("application/problem+json"));
        assertThat(response.<String>at("type")).isEqualTo("urn:rekey:problem:invalid-request");
        List<Map<String, Object>> errors = response.at("errors");
        assertThat(errors).extracting(e -> e.get("field")).containsExactlyInAnyOrder("type", "owner", "rotationPolicy.cron");
        assertThat(errors).filteredOn(e -> "type".equals(e.get("field"))).singleElement()
                .satisfies(e -> assertThat((List<Object>) e.get("allowedValues")).contains("API_KEY", "DATABASE_PASSWORD"));
    }

    @Test
    void illegalTransitionIs409WithTheStateAndWhereItMayGo() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));

        Response response = app.post("/secrets/" + id + ":archive", ADMIN, "{}");

        assertThat(response.status()).isEqualTo(409);
        assertThat(response.<String>at("detail"))
                .isEqualTo("the secret is ACTIVATED (in service); deprecate, revoke or let it expire before archiving it");
        assertThat(response.<String>at("currentState")).isEqualTo("ACTIVATED");
        assertThat(response.<List<String>>at("allowedNextStates")).contains("DEPRECATED", "REVOKED");
        assertThat(app.post("/secrets", OPERATOR, Secrets.database(id)).status()).isEqualTo(409);
    }

    @Test
    void retirementSoftDeleteRestoreAndPurge() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));

        assertThat(app.post("/secrets/" + id + ":deprecate", OPERATOR, Map.of("reason", "replaced by v2")).<String>at("state"))
                .isEqualTo("DEPRECATED");
        assertThat(app.post("/secrets/" + id + ":revoke", ADMIN, "{}").status()).isEqualTo(400);
        assertThat(app.post("/secrets/" + id + ":revoke", ADMIN, Map.of("reason", "leaked in a CI log", "incidentId", "INC-7"))
                .<String>at("state")).isEqualTo("REVOKED");
        assertThat(app.post("/secrets/" + id + ":archive", ADMIN, "").<String>at("state")).isEqualTo("ARCHIVED");

        Response deleted = app.delete("/secrets/" + id + "?reason=cleanup", ADMIN);
        assertThat(deleted.status()).isEqualTo(200);
        assertThat(deleted.<String>at("deletedAt")).as(deleted.body()).isNotNull();
        assertThat(deleted.<String>at("recoverableUntil")).isNotNull();
        Response listed = app.get("/secrets?owner=team-orders", VIEWER);
        assertThat(listed.<List<Map<String, Object>>>at("items")).as(listed.body())
                .extracting(m -> m.get("secretId")).doesNotContain(id);
        assertThat(app.post("/secrets/" + id + ":restore", ADMIN, "{}").<String>at("deletedAt")).isNull();
        app.delete("/secrets/" + id, ADMIN);

        Response purged = app.post("/secrets/" + id + ":purge", ADMIN, "{}");
        assertThat(purged.status()).as(purged.body()).isEqualTo(200);
        assertThat(app.get("/secrets/" + id, VIEWER).status()).isEqualTo(404);
        assertThat(Logs.read(stack, Topics.REGISTRY.name(), id, Duration.ofSeconds(30), r -> r.contains(null))).contains((SecretDescriptor) null);

        List<Map<String, Object>> events = app.view().secret(id, java.time.Instant.now()).orElseThrow().history().stream()
                .map(h -> Map.<String, Object>of("type", h.type().name(), "actor", h.actor())).toList();
        assertThat(events).extracting(e -> e.get("type")).containsExactly("CREATED", "ACTIVATED", "DEPRECATED", "REVOKED",
                "ARCHIVED", "SOFT_DELETED", "RESTORED", "SOFT_DELETED", "PURGED");
        LifecycleEvent revoked = Logs.<LifecycleEvent>read(stack, Topics.LIFECYCLE_EVENTS.name(), id, Duration.ofSeconds(30),
                        r -> r.stream().anyMatch(e -> e.getType() == LifecycleEventType.REVOKED))
                .stream().filter(e -> e.getType() == LifecycleEventType.REVOKED).findFirst().orElseThrow();
        assertThat(revoked.getActor()).isEqualTo("root-admin");
        assertThat(revoked.getReason()).isEqualTo("leaked in a CI log");
        assertThat(revoked.getIncidentId()).isEqualTo("INC-7");
    }

    @Test
    @SuppressWarnings("unchecked")
    void updatesAreOptimisticallyConcurrentAndRecordWhatChanged() {
        String id = Secrets.uniqueId("db");
        app.post("/secrets", OPERATOR, Secrets.database(id));
        Map<String, Object> body = Secrets.withPolicy(Secrets.database(id), "intervalDays", 7);
        body.remove("secretId");

        Response stale = app.put("/secrets/" + id, OPERATOR, body, "If-Match", "\"9\"");
        assertThat(stale.status()).isEqualTo(412);
        assertThat(stale.<Number>at("currentRevision").longValue()).isEqualTo(1L);

        Response updated = app.put("/secrets/" + id, OPERATOR, body, "If-Match", "\"1\"");
        assertThat(updated.status()).as(updated.body()).isEqualTo(200);
        assertThat(updated.header("ETag")).contains("\"2\"");
        assertThat(updated.<Number>at("rotationPolicy", "intervalDays").intValue()).isEqualTo(7);
        List<Map<String, Object>> events = app.get("/secrets/" + id + ":history", VIEWER).at("events");
        assertThat(events.get(events.size() - 1)).containsEntry("type", "UPDATED");
        assertThat((Map<String, Object>) events.get(events.size() - 1).get("details")).containsEntry("changedFields", "rotationPolicy");

        body.put("type", "API_KEY");
        assertThat(app.put("/secrets/" + id, OPERATOR, body).<String>at("detail"))
                .isEqualTo("type: cannot change from DATABASE_PASSWORD to API_KEY; register a new secret instead");
        assertThat(app.get("/secrets/" + id + "?minRevision=2", VIEWER).<Number>at("revision").longValue()).isEqualTo(2L);
    }

    @Test
    void badJsonUnknownFieldsAndUnknownFiltersAreProblems() {
        assertThat(app.post("/secrets", OPERATOR, "{not json").<String>at("detail")).isEqualTo("(body): is not valid JSON");
        assertThat(app.post("/secrets/x:deprecate", OPERATOR, "{\"reasn\":\"typo\"}").<String>at("detail"))
                .startsWith("reasn: unknown field");
        Response filter = app.get("/secrets?state=ALIVE", VIEWER);
        assertThat(filter.status()).isEqualTo(400);
        assertThat(filter.<String>at("detail")).startsWith("state: unknown state 'ALIVE'; allowed values: CREATED, ACTIVATED");
        assertThat(app.get("/secrets/nope/never", VIEWER).status()).isEqualTo(404);
        assertThat(app.get("/secrets/x:explode", VIEWER).status()).isEqualTo(404);
    }
}
