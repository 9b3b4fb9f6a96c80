package io.rekey.worker.kafka;

import io.micrometer.core.instrument.MeterRegistry;
import io.rekey.schema.AccessAction;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.AccessResult;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.serde.Decoded;
import io.rekey.schema.serde.DeadLetters;
import io.rekey.schema.serde.RegistryUnavailableException;
import io.rekey.schema.signing.CommandVerifier;
import io.rekey.schema.topic.Topics;
import io.rekey.worker.engine.Rotation;
import io.rekey.worker.engine.RotationDecider;
import io.rekey.worker.engine.RotationEngine;
import io.rekey.worker.engine.RotationEvents;
import io.rekey.worker.engine.SecretHistory;
import io.rekey.worker.registry.Descriptors;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Consumes {@code rekey.rotation.commands}: authenticates each command, lets the {@link RotationDecider} accept,
 * ignore (duplicate) or refuse it, and commits the resulting records together with the consumed offsets in one
 * transaction. Accepted rotations go to the {@link RotationEngine} only once their REQUESTED event is committed.
 *
 * <p>On assignment it rebuilds the partitions' rotation histories from {@code rekey.rotation.events} and resumes
 * unfinished rotations; on revocation it stops them after their current step. Malformed or unauthenticated
 * commands go to {@code rekey.dlq} with the reason; nothing stops the loop.
 */
public final class CommandIntake implements Runnable, AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CommandIntake.class);
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._:/@-]{0,199}");
    private static final Duration RELEASE_TIMEOUT = Duration.ofSeconds(60);

    /** Settings of the intake. */
    public record Settings(String groupId, int partitionCount, Duration rebuildLookback, Duration commandMaxAge) { }

    private final Consumer<String, Decoded<RotationCommand>> consumer;
    private final EventPublisher publisher;
    private final CommandVerifier verifier;
    private final RotationDecider decider;
    private final RotationEngine engine;
    private final SecretHistories histories;
    private final RotationLog log;
    private final Descriptors descriptors;
    private final RotationEvents events;
    private final Clock clock;
    private final Settings settings;
    private final MeterRegistry meters;
    private volatile boolean closed;

    public CommandIntake(Consumer<String, Decoded<RotationCommand>> consumer, EventPublisher publisher, CommandVerifier verifier,
                         RotationDecider decider, RotationEngine engine, SecretHistories histories, RotationLog log,
                         Descriptors descriptors, RotationEvents events, Clock clock, Settings settings, MeterRegistry meters) {
        this.consumer = Objects.requireNonNull(consumer, "consumer must not be null");
        this.publisher = Objects.requireNonNull(publisher, "publisher must not be null");
        this.verifier = Objects.requireNonNull(verifier, "verifier must not be null");
        this.decider = Objects.requireNonNull(decider, "decider must not be null");
        this.engine = Objects.requireNonNull(engine, "engine must not be null");
        this.histories = Objects.requireNonNull(histories, "histories must not be null");
        this.log = Objects.requireNonNull(log, "log must not be null");
        this.descriptors = Objects.requireNonNull(descriptors, "descriptors must not be null");
        this.events = Objects.requireNonNull(events, "events must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.meters = Objects.requireNonNull(meters, "meters must not be null");
    }

    @Override
    public void run() {
        consumer.subscribe(List.of(Topics.ROTATION_COMMANDS.name()), new Rebalance());
        Instant nextHousekeeping = clock.instant();
        while (!closed) {
            try {
                ConsumerRecords<String, Decoded<RotationCommand>> records = consumer.poll(Duration.ofMillis(250));
                if (!records.isEmpty()) {
                    handle(records);
                }
                if (clock.instant().isAfter(nextHousekeeping)) {
                    histories.forgetBefore(clock.instant().minus(settings.commandMaxAge().multipliedBy(2)));
                    nextHousekeeping = clock.instant().plus(Duration.ofMinutes(5));
                }
            } catch (WakeupException e) {
                // closing
            } catch (RegistryUnavailableException e) {
                LOG.warn("schema registry unavailable ({}); retrying the same records", e.getMessage());
                pause(Duration.ofSeconds(2));
            } catch (RuntimeException e) {
                if (!closed) {
                    LOG.error("command intake failed; retrying", e);
                    pause(Duration.ofSeconds(2));
                }
            }
        }
        // Leave the group even as a static member, so another instance takes these partitions over at once.
        consumer.close(CloseOptions.groupMembershipOperation(CloseOptions.GroupMembershipOperation.LEAVE_GROUP)
                .withTimeout(Duration.ofSeconds(10)));
    }

    private void handle(ConsumerRecords<String, Decoded<RotationCommand>> records) {
        Instant now = clock.instant();
        List<ProducerRecord<String, SpecificRecord>> out = new ArrayList<>();
        Map<String, SecretHistory> overlay = new HashMap<>();
        Map<String, Integer> partitionOf = new HashMap<>();
        Map<Rotation, Integer> accepted = new LinkedHashMap<>();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        Map<TopicPartition, Long> firstOffsets = new HashMap<>();
        for (ConsumerRecord<String, Decoded<RotationCommand>> record : records) {
            TopicPartition tp = new TopicPartition(record.topic(), record.partition());
            firstOffsets.putIfAbsent(tp, record.offset());
            offsets.put(tp, new OffsetAndMetadata(record.offset() + 1));
            Decoded<RotationCommand> value = record.value();
            if (value instanceof Decoded.Malformed<RotationCommand> malformed) {
                deadLetter(out, record, DeadLetters.malformed(record, malformed, settings.groupId(), now), "malformed");
                continue;
            }
            if (value == null) {
                deadLetter(out, record, DeadLetters.refused(record, "tombstone on the commands topic", settings.groupId(), now), "invalid");
                continue;
            }
            RotationCommand command = ((Decoded.Valid<RotationCommand>) value).value();
            Optional<String> invalid = invalid(command, record.key());
            if (invalid.isPresent()) {
                deadLetter(out, record, DeadLetters.refused(record, invalid.get(), settings.groupId(), now), "invalid");
                continue;
            }
            if (verifier.verify(command, now) instanceof CommandVerifier.Verdict.Refused refused) {
                deadLetter(out, record, DeadLetters.refused(record, refused.reason(), settings.groupId(), now), "unauthenticated");
                out.add(denied(command, refused.reason(), now));
                continue;
            }
            String secretId = command.getSecretId();
            partitionOf.put(secretId, record.partition());
            SecretHistory history = overlay.getOrDefault(secretId, histories.get(secretId));
            RotationDecider.Intake intake = decider.intake(command, history, now);
            if (intake instanceof RotationDecider.Intake.Accept accept) {
                RotationEvent requested = requested(accept.rotation(), now);
                out.add(RotationEvents.record(requested));
                overlay.put(secretId, history.apply(requested));
                accepted.put(Rotation.from(requested), record.partition());
                count("accepted");
            } else if (intake instanceof RotationDecider.Intake.Refuse refuse) {
                RotationEvent refusedEvent = events.event(Rotation.requested(command, now), RotationPhase.REFUSED, now, Duration.ZERO)
                        .setError(refuse.reason()).build();
                out.add(RotationEvents.record(refusedEvent));
                overlay.put(secretId, history.apply(refusedEvent));
                count("refused");
                LOG.info("rotation {} of {} refused: {}", command.getRotationId(), secretId, refuse.reason());
            } else if (intake instanceof RotationDecider.Intake.Duplicate duplicate) {
                // A re-delivery and a replay look the same, and both must change nothing: refuse, keep, audit.
                String reason = "duplicate or replayed command: " + duplicate.reason();
                deadLetter(out, record, DeadLetters.refused(record, reason, settings.groupId(), now), "duplicate");
                out.add(denied(command, reason, now));
            }
        }
        try {
            publisher.publishAsync(out, offsets, consumer.groupMetadata()).get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("could not commit {} command(s); they will be read again: {}", records.count(), e.getMessage());
            firstOffsets.forEach(consumer::seek);
            pause(Duration.ofSeconds(1));
            return;
        }
        overlay.forEach((secretId, history) -> histories.put(secretId, partitionOf.get(secretId), history));
        accepted.forEach(engine::submit);
    }

    /** The REQUESTED event, with the secret's type and category when the registry knows them (for ordering). */
    private RotationEvent requested(Rotation rotation, Instant now) {
        Optional<SecretDescriptor> descriptor = descriptors.find(rotation.secretId());
        return events.event(rotation, RotationPhase.REQUESTED, now, Duration.ZERO)
                .setSecretType(descriptor.map(SecretDescriptor::getType).orElse(null))
                .setCategory(descriptor.map(SecretDescriptor::getCategory).orElse(null))
                .build();
    }

    private static Optional<String> invalid(RotationCommand command, String key) {
        if (command.getSecretId() == null || !ID.matcher(command.getSecretId()).matches()) {
            return Optional.of("secretId is empty, longer than 200 characters or has characters outside [A-Za-z0-9._:/@-]");
        }
        if (!command.getSecretId().equals(key)) {
            return Optional.of("record key does not match the command's secretId");
        }
        if (command.getRotationId() == null || !ID.matcher(command.getRotationId()).matches()) {
            return Optional.of("rotationId is empty, longer than 200 characters or has characters outside [A-Za-z0-9._:/@-]");
        }
        if (command.getRequestedBy() == null || command.getRequestedBy().isBlank() || command.getRequestedBy().length() > 200) {
            return Optional.of("requestedBy is empty or longer than 200 characters");
        }
        if (command.getIssuedAt() == null) {
            return Optional.of("issuedAt is missing");
        }
        return Optional.empty();
    }

    /** An attempt to rotate that was not allowed: an access event the audit log and the anomaly detectors see. */
    private static ProducerRecord<String, SpecificRecord> denied(RotationCommand command, String reason, Instant now) {
        String principal = command.getIssuerKeyId() == null || command.getIssuerKeyId().isBlank()
                ? "unsigned-issuer" : "issuer:" + command.getIssuerKeyId();
        Map<String, String> details = new LinkedHashMap<>();
        details.put("reason", reason);
        details.put("rotationId", String.valueOf(command.getRotationId()));
        details.put("claimedRequestedBy", String.valueOf(command.getRequestedBy()));
        AccessEvent event = AccessEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(now)
                .setPrincipalId(principal)
                .setSecretId(command.getSecretId())
                .setAction(AccessAction.ROTATE)
                .setOutcome(AccessResult.DENIED)
                .setDetails(details)
                .build();
        return new ProducerRecord<>(Topics.ACCESS_EVENTS.name(), principal, event);
    }

    private void deadLetter(List<ProducerRecord<String, SpecificRecord>> out, ConsumerRecord<String, ?> record, DeadLetter letter, String why) {
        out.add(new ProducerRecord<>(Topics.DLQ.name(), DeadLetters.key(record.key()), letter));
        count(why);
        // Tagged by the consumed topic only (a catalogue name), so the label stays bounded.
        meters.counter("rekey.dlq.messages", "source_topic", record.topic()).increment();
        LOG.warn("command at {}-{}@{} dead-lettered: {}", record.topic(), record.partition(), record.offset(), letter.getReason());
    }

    private void count(String outcome) {
        meters.counter("rekey.rotation.commands", "outcome", outcome).increment();
    }

    private static void pause(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        closed = true;
        consumer.wakeup();
    }

    /** Rebuilds on assignment, stops on revocation. Runs on the poll thread. */
    private final class Rebalance implements ConsumerRebalanceListener {
        @Override
        public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
            release(partitions);
        }

        @Override
        public void onPartitionsLost(Collection<TopicPartition> partitions) {
            release(partitions);
        }

        @Override
        public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
            Instant since = clock.instant().minus(settings.rebuildLookback());
            for (TopicPartition tp : partitions) {
                Map<String, SecretHistory> rebuilt = log.rebuild(tp.partition(), since);
                engine.own(List.of(tp.partition()));
                int resumed = 0;
                for (Map.Entry<String, SecretHistory> entry : rebuilt.entrySet()) {
                    histories.put(entry.getKey(), tp.partition(), entry.getValue());
                    Optional<Rotation> unfinished = entry.getValue().inFlight();
                    if (unfinished.isPresent()) {
                        engine.submit(unfinished.get(), tp.partition());
                        resumed++;
                    }
                }
                LOG.info("partition {}: {} secret(s) rebuilt, {} unfinished rotation(s) resumed", tp.partition(), rebuilt.size(), resumed);
            }
        }

        private void release(Collection<TopicPartition> partitions) {
            List<Integer> numbers = partitions.stream().map(TopicPartition::partition).toList();
            engine.release(numbers, RELEASE_TIMEOUT);
            histories.dropPartitions(numbers);
        }
    }
}
