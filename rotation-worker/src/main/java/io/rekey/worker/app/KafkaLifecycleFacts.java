package io.rekey.worker.app;

import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.topic.Topics;
import io.rekey.worker.kafka.EventPublisher;
import io.rekey.worker.target.LifecycleFacts;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Adapters' lifecycle facts as LifecycleEvents on {@code rekey.lifecycle.events}, through the worker's publisher once
 * it exists (adapters are built before it). Publishing does not wait: a fact is recorded next to the action, it never
 * holds the action up; one that cannot be committed is logged.
 */
final class KafkaLifecycleFacts implements LifecycleFacts {

    private static final Logger LOG = LoggerFactory.getLogger(KafkaLifecycleFacts.class);

    private final String actor;
    private final Clock clock;
    private final AtomicReference<EventPublisher> publisher = new AtomicReference<>();

    KafkaLifecycleFacts(String actor, Clock clock) {
        this.actor = Objects.requireNonNull(actor, "actor must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    void attach(EventPublisher events) {
        publisher.set(events);
    }

    @Override
    public void record(String secretId, LifecycleEventType type, String rotationId, String reason, Map<String, String> details) {
        LifecycleEvent event = LifecycleEvent.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant())
                .setSecretId(secretId)
                .setType(type)
                .setActor(actor)
                .setReason(reason)
                .setRotationId(rotationId)
                .setIncidentId(null)
                .setDetails(Map.copyOf(details))
                .build();
        EventPublisher events = publisher.get();
        if (events == null) {
            LOG.warn("{} of {} not recorded: the worker is not started", type, secretId);
            return;
        }
        events.publishAsync(List.of(new ProducerRecord<String, SpecificRecord>(Topics.LIFECYCLE_EVENTS.name(), secretId, event)), Map.of(), null)
                .whenComplete((ok, failure) -> {
                    if (failure != null) {
                        LOG.warn("{} of {} not recorded: {}", type, secretId, failure.getClass().getSimpleName());
                    }
                });
    }
}
