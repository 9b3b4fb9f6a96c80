package io.rekey.lifecycle.kafka;

import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.text.Untrusted;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Hands each decoded record of the topics the service reads to the view, after the checks that make it usable:
 * the right value type for the topic and, on topics keyed by secret id, a key that matches the value. A record
 * that fails them is refused with the reason (the caller dead-letters it).
 */
public final class RecordRouter {

    private static final Logger LOG = LoggerFactory.getLogger(RecordRouter.class);

    /** Topics the lifecycle service materialises. */
    public static final List<String> TOPICS = List.of(Topics.REGISTRY.name(), Topics.LIFECYCLE_EVENTS.name(),
            Topics.ROTATION_EVENTS.name(), Topics.ROTATION_COMMANDS.name(), Topics.ACCESS_EVENTS.name(), Topics.CONTROL.name());

    private final LifecycleView view;

    public RecordRouter(LifecycleView view) {
        this.view = Objects.requireNonNull(view, "view must not be null");
    }

    /** Applies the record, or says why it cannot be applied. {@code value} is null for a tombstone. */
    public Optional<String> route(String topic, String key, int partition, SpecificRecord value) {
        if (topic.equals(Topics.REGISTRY.name())) {
            if (value == null) {
                if (key == null) {
                    return Optional.of("registry tombstone without a key");
                }
                view.applyPurge(key, partition);
                return Optional.empty();
            }
            return keyed(topic, key, value, SecretDescriptor.class, SecretDescriptor::getSecretId,
                    d -> view.applyDescriptor(d, partition));
        }
        if (topic.equals(Topics.CONTROL.name())) {
            if (!Topics.EMERGENCY_KEY.equals(key)) {
                return Optional.empty();
            }
            if (value == null) {
                view.applyEmergency(null);
                return Optional.empty();
            }
            return expect(value, EmergencyMode.class, topic).or(() -> {
                view.applyEmergency((EmergencyMode) value);
                return Optional.empty();
            });
        }
        if (value == null) {
            return Optional.of("null value (tombstone) on " + topic + ", which is not compacted");
        }
        if (topic.equals(Topics.LIFECYCLE_EVENTS.name())) {
            return keyed(topic, key, value, LifecycleEvent.class, LifecycleEvent::getSecretId, e ->
                    view.applyLifecycle(e).ifPresent(note -> LOG.info("lifecycle event {} ({}) of {} kept without a state change: {}",
                            Untrusted.oneLine(e.getId()), e.getType(), Untrusted.oneLine(e.getSecretId()), Untrusted.oneLine(note))));
        }
        if (topic.equals(Topics.ROTATION_EVENTS.name())) {
            return keyed(topic, key, value, RotationEvent.class, RotationEvent::getSecretId, view::applyRotationEvent);
        }
        if (topic.equals(Topics.ROTATION_COMMANDS.name())) {
            return keyed(topic, key, value, RotationCommand.class, RotationCommand::getSecretId, view::applyCommand);
        }
        if (topic.equals(Topics.ACCESS_EVENTS.name())) {
            return expect(value, AccessEvent.class, topic).or(() -> {
                view.applyAccess((AccessEvent) value);
                return Optional.empty();
            });
        }
        return Optional.of("topic " + topic + " is not read by the lifecycle service");
    }

    /** A value of a topic keyed by secret id: the right type, and a key that matches, then applied. */
    private static <T extends SpecificRecord> Optional<String> keyed(String topic, String key, SpecificRecord value, Class<T> type,
                                                                     Function<T, String> secretId, Consumer<T> apply) {
        return expect(value, type, topic).or(() -> {
            T typed = type.cast(value);
            return keyMatches(key, secretId.apply(typed)).or(() -> {
                apply.accept(typed);
                return Optional.empty();
            });
        });
    }

    private static Optional<String> expect(SpecificRecord value, Class<?> type, String topic) {
        if (type.isInstance(value)) {
            return Optional.empty();
        }
        return Optional.of(topic + " carries " + type.getSimpleName() + " values, got " + value.getSchema().getFullName());
    }

    private static Optional<String> keyMatches(String key, String secretId) {
        if (Objects.equals(key, secretId)) {
            return Optional.empty();
        }
        return Optional.of("record key '" + key + "' differs from the value's secretId '" + secretId
                + "'; records are keyed by secretId so one secret's records stay in one partition");
    }
}
