package io.rekey.schema.topic;

import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.AuditRecord;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEvent;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.SecretChanged;
import io.rekey.schema.SecretDescriptor;
import io.rekey.schema.topic.Topic.Cleanup;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * The topic catalogue: the only place topic names, value types and retention are written down.
 *
 * <p>Topics keyed by secretId share one partition count so the worker, the lifecycle service and the
 * audit chain see all of one secret's records in the same partition number.
 */
public final class Topics {

    /** Partition count of every topic: the unit of parallelism for every consumer group. */
    public static final int DEFAULT_PARTITIONS = 6;

    private static final Duration LONG_RETENTION = Duration.ofDays(365);

    public static final Topic<RotationCommand> ROTATION_COMMANDS = new Topic<>(
            "rekey.rotation.commands", RotationCommand.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, Duration.ofDays(7), "secretId");

    public static final Topic<RotationEvent> ROTATION_EVENTS = new Topic<>(
            "rekey.rotation.events", RotationEvent.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, LONG_RETENTION, "secretId");

    public static final Topic<SecretChanged> SECRET_CHANGED = new Topic<>(
            "rekey.secret.changed", SecretChanged.class, DEFAULT_PARTITIONS,
            Cleanup.COMPACT, null, "secretId");

    public static final Topic<LifecycleEvent> LIFECYCLE_EVENTS = new Topic<>(
            "rekey.lifecycle.events", LifecycleEvent.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, null, "secretId");

    public static final Topic<SecretDescriptor> REGISTRY = new Topic<>(
            "rekey.registry", SecretDescriptor.class, DEFAULT_PARTITIONS,
            Cleanup.COMPACT, null, "secretId");

    public static final Topic<AccessEvent> ACCESS_EVENTS = new Topic<>(
            "rekey.access.events", AccessEvent.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, null, "principalId");

    public static final Topic<Anomaly> ANOMALIES = new Topic<>(
            "rekey.anomalies", Anomaly.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, LONG_RETENTION, "principalId");

    public static final Topic<AuditRecord> AUDIT_LOG = new Topic<>(
            "rekey.audit.log", AuditRecord.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, null, "secretId");

    public static final Topic<DeadLetter> DLQ = new Topic<>(
            "rekey.dlq", DeadLetter.class, DEFAULT_PARTITIONS,
            Cleanup.DELETE, Duration.ofDays(30), "original key");

    /** Key of the one record of {@link #CONTROL} that says whether emergency mode is on. */
    public static final String EMERGENCY_KEY = "emergency";

    public static final Topic<EmergencyMode> CONTROL = new Topic<>(
            "rekey.control", EmergencyMode.class, 1,
            Cleanup.COMPACT, null, "control key ('emergency')");

    public static final List<Topic<?>> ALL = List.of(
            ROTATION_COMMANDS, ROTATION_EVENTS, SECRET_CHANGED, LIFECYCLE_EVENTS, REGISTRY,
            ACCESS_EVENTS, ANOMALIES, AUDIT_LOG, DLQ, CONTROL);

    private Topics() {
    }

    public static Optional<Topic<?>> byName(String name) {
        return ALL.stream().filter(t -> t.name().equals(name)).findFirst();
    }
}
