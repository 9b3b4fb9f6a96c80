package io.rekey.lifecycle.it;

import io.rekey.lifecycle.app.SecretPartitions;
import io.rekey.lifecycle.kafka.Ownership;
import io.rekey.lifecycle.support.LifecycleApp;
import io.rekey.lifecycle.support.Logs;
import io.rekey.lifecycle.support.Secrets;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** Two instances in one scheduler group: each secret has one driver, and each instance shows every secret. */
@RekeyIntegrationTest
class TwoInstancesIT {

    private static final String OPERATOR = LifecycleApp.token("alice", "operator");

    @Test
    void instancesShareTheSecretsWithoutDuplicateCommandsAndReadEachOthersWrites(RekeyStack stack) {
        Map<String, Object> settings = LifecycleApp.settings(stack);
        try (LifecycleApp first = LifecycleApp.start(settings); LifecycleApp second = LifecycleApp.start(settings)) {
            Ownership a = first.bean(Ownership.class);
            Ownership b = second.bean(Ownership.class);
            await().atMost(Duration.ofSeconds(60)).until(() -> !a.owned().isEmpty() && !b.owned().isEmpty()
                    && union(a.owned(), b.owned()).size() == Topics.DEFAULT_PARTITIONS);
            assertThat(a.owned()).doesNotContainAnyElementsOf(b.owned());

            List<String> ids = new ArrayList<>();
            Set<Integer> partitions = new HashSet<>();
            while (partitions.size() < Topics.DEFAULT_PARTITIONS) {
                String id = Secrets.uniqueId("api");
                if (partitions.add(SecretPartitions.of(id))) {
                    ids.add(id);
                }
            }
            for (int i = 0; i < ids.size(); i++) {
                LifecycleApp via = i % 2 == 0 ? first : second;
                Map<String, Object> body = Secrets.withPolicy(Secrets.database(ids.get(i)), "rotateOnRegister", true);
                assertThat(via.post("/secrets", OPERATOR, body).status()).isEqualTo(201);
            }
            for (String id : ids) {
                LifecycleApp other = ids.indexOf(id) % 2 == 0 ? second : first;
                assertThat(other.get("/secrets/" + id + "?minRevision=1", OPERATOR).status()).isEqualTo(200);
                assertThat(Logs.<RotationCommand>read(stack, Topics.ROTATION_COMMANDS.name(), id, Duration.ofSeconds(30),
                        r -> !r.isEmpty())).hasSize(1);
            }
            first.awaitRuns(3);
            second.awaitRuns(3);
            for (String id : ids) {
                assertThat(Logs.<RotationCommand>read(stack, Topics.ROTATION_COMMANDS.name(), id, Duration.ofSeconds(30),
                        r -> !r.isEmpty())).as(id).hasSize(1);
            }
        }
    }

    private static Set<Integer> union(Set<Integer> x, Set<Integer> y) {
        Set<Integer> all = new HashSet<>(x);
        all.addAll(y);
        return all;
    }
}
