package io.rekey.audit.replay;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.config.AuditSettings;
import io.rekey.audit.demo.DemoScenario;
import io.rekey.audit.demo.DemoTraffic;
import io.rekey.audit.stream.ItSupport;
import io.rekey.audit.stream.TopicCheck;
import io.rekey.schema.Anomaly;
import io.rekey.schema.client.KafkaClients;
import io.rekey.schema.topic.Topics;
import io.rekey.testkit.RekeyIntegrationTest;
import io.rekey.testkit.RekeyStack;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.stream.Collectors;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The demo's traffic through the live stream, then replays of the same history: the replay finds exactly what live
 * detection found (same anomaly ids), writes only where it is told, and refuses live topics.
 */
@RekeyIntegrationTest
class ReplayIT {

    private static final Duration PATIENCE = Duration.ofSeconds(180);

    @Test
    void aReplayOfHistoryFindsWhatLiveDetectionFound(RekeyStack stack, @TempDir Path dir) throws Exception {
        Properties setup = ItSupport.create(stack, "replay", dir.resolve("state"));
        AuditConfig config = ItSupport.config(setup);
        KafkaClients clients = ItSupport.clients(setup);
        TopicCheck.verify(stack.admin(), config);

        Instant demoStart = Instant.now();
        DemoTraffic.Sent sent = new DemoTraffic(new DemoTraffic.Options(clients, config.topics().accessEvents(),
                config.topics().registry(), 50, Duration.ofSeconds(1), Duration.ofSeconds(2), Duration.ofSeconds(4), 21, true, 7),
                Clock.systemUTC(), System.out).run();
        Instant demoEnd = Instant.now();
        assertThat(sent.backfill()).isGreaterThan(1000);
        assertThat(sent.rogueBursts()).isGreaterThanOrEqualTo(1);

        List<Anomaly> live;
        try (KafkaStreams streams = ItSupport.streams(setup, AuditMetrics.NONE)) {
            streams.start();
            await().atMost(PATIENCE).pollInterval(Duration.ofSeconds(1))
                    .until(() -> ItSupport.caughtUp(stack, config.applicationId(), config.topics().accessEvents()));
            live = ItSupport.readAll(stack, config.topics().anomalies()).stream().map(r -> (Anomaly) r.value()).toList();
        }
        assertThat(live).extracting(Anomaly::getPrincipalId).containsOnly(DemoScenario.ROGUE);
        assertThat(live).extracting(Anomaly::getType).containsExactlyInAnyOrderElementsOf(AuditSettings.detectorTypes());

        Replay replay = new Replay(clients, config, Clock.systemUTC());
        Path file = dir.resolve("anomalies.jsonl");
        Replay.Result all = replay.run(new Replay.Request(demoStart.minus(Duration.ofDays(22)), demoEnd.plusSeconds(1),
                Duration.ZERO, new Replay.ToFile(file)));
        ObjectMapper json = new ObjectMapper();
        Set<String> fromFile = Files.readAllLines(file).stream().map(line -> {
            try {
                return json.readTree(line).at("/event/id").asText();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }).collect(Collectors.toSet());
        assertThat(fromFile).isEqualTo(ids(live));
        assertThat(all.eventsRead()).isEqualTo(sent.backfill() + sent.ordinary() + sent.rogueBursts() * new DemoScenario(0).rogueBurst(Instant.EPOCH).size());
        assertThat(all.refused()).isZero();

        // Only the live part, with the history as warm-up, to a topic of its own.
        String output = stack.createTopicLike(Topics.ANOMALIES, "replay-output");
        Replay.Result recent = replay.run(new Replay.Request(demoStart, demoEnd.plusSeconds(1), Duration.ofDays(22),
                new Replay.ToTopic(output)));
        List<ConsumerRecord<String, SpecificRecord>> replayed = ItSupport.readAll(stack, output);
        assertThat(replayed).hasSize((int) recent.anomalies());
        assertThat(replayed.stream().map(r -> ((Anomaly) r.value()).getId()).collect(Collectors.toSet())).isEqualTo(ids(live));

        assertThatThrownBy(() -> replay.run(new Replay.Request(demoStart, demoEnd, Duration.ZERO,
                new Replay.ToTopic(config.topics().anomalies())))).hasMessageContaining("is a live topic");
        assertThat(ItSupport.readAll(stack, config.topics().anomalies())).as("live output untouched").hasSize(live.size());
    }

    private static Set<String> ids(List<Anomaly> anomalies) {
        return anomalies.stream().map(Anomaly::getId).collect(Collectors.toSet());
    }
}
