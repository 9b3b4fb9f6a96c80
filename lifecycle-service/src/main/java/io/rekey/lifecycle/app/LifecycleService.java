package io.rekey.lifecycle.app;

import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.domain.Change;
import io.rekey.lifecycle.domain.Decision;
import io.rekey.lifecycle.domain.LifecycleCommand;
import io.rekey.lifecycle.domain.Origin;
import io.rekey.lifecycle.domain.StateMachine;
import io.rekey.lifecycle.registry.Descriptors;
import io.rekey.lifecycle.registry.FieldError;
import io.rekey.lifecycle.registry.SecretSpec;
import io.rekey.lifecycle.registry.SpecValidator;
import io.rekey.lifecycle.schedule.NameBasedIds;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.lifecycle.view.SecretSnapshot;
import io.rekey.schema.AccessAction;
import io.rekey.schema.EmergencyMode;
import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationReason;
import io.rekey.schema.SecretDescriptor;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * What the HTTP API does, without HTTP: validate, decide with the state machine on an up-to-date view, write the
 * outcome to the log atomically, and answer once the view shows it.
 *
 * <p>Consistency: before deciding about a secret, the service waits until its view has applied the log up to the
 * current end of that secret's partitions, so it decides on what every instance has written; writes about one
 * secret are serialised within an instance. After writing, it waits (up to the write timeout) until the view has
 * applied the write, so the answer and any later read on this instance show it (read-your-writes). Two instances
 * writing the same secret at the same moment can still race; the log order then decides, and the loser's event is
 * kept in the history as not applied.
 */
public final class LifecycleService {

    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(10);
    private static final int LOCK_STRIPES = 64;

    /** Options of a manual rotation. */
    public record RotateRequest(String incidentId, boolean force, boolean dryRun, Long gracePeriodSeconds, String idempotencyKey) {
    }

    /** A rotation command written to the log. */
    public record RotationRequested(String rotationId, String secretId, RotationReason reason, String requestedBy,
                                    Instant issuedAt, boolean dryRun, boolean alreadyRequested) {
    }

    /** Lifecycle operations on a registered secret that need no body beyond a reason. */
    public enum Operation {
        ACTIVATE(AccessAction.WRITE), DEPRECATE(AccessAction.WRITE), REVOKE(AccessAction.WRITE), ARCHIVE(AccessAction.WRITE),
        DELETE(AccessAction.DELETE), RESTORE(AccessAction.WRITE), PURGE(AccessAction.DELETE),
        CLEAR_ROTATION_FAILURE(AccessAction.WRITE);

        final AccessAction action;

        Operation(AccessAction action) {
            this.action = action;
        }
    }

    private final LifecycleView view;
    private final StateLog log;
    private final CommandSigner signer;
    private final AccessAudit audit;
    private final SpecValidator validator;
    private final LifecycleSettings settings;
    private final Clock clock;
    private final ReentrantLock[] locks = new ReentrantLock[LOCK_STRIPES];

    public LifecycleService(LifecycleView view, StateLog log, CommandSigner signer, AccessAudit audit,
                            LifecycleSettings settings, Clock clock) {
        this.view = Objects.requireNonNull(view, "view must not be null");
        this.log = Objects.requireNonNull(log, "log must not be null");
        this.signer = Objects.requireNonNull(signer, "signer must not be null");
        this.audit = Objects.requireNonNull(audit, "audit must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.validator = new SpecValidator(settings.limits());
        for (int i = 0; i < LOCK_STRIPES; i++) {
            locks[i] = new ReentrantLock();
        }
    }

    // ---- reads ------------------------------------------------------------------------------------------------

    /** A registered (possibly soft-deleted) secret. */
    public SecretSnapshot get(String secretId) {
        ready();
        return view.secret(secretId, clock.instant()).filter(SecretSnapshot::registered)
                .orElseThrow(() -> new LifecycleException.NotFound("secret '" + secretId + "' is not registered"));
    }

    /**
     * A secret at least at {@code minRevision}: first catches up with the log, so a revision committed through any
     * instance before this call is shown (read-your-writes across instances).
     */
    public SecretSnapshot get(String secretId, long minRevision) {
        ready();
        catchUp(SecretPartitions.holding(secretId));
        SecretSnapshot s = get(secretId);
        if (s.descriptor().getRevision() < minRevision) {
            throw new LifecycleException.NotFound("secret '" + secretId + "' has no revision " + minRevision
                    + " (it is at revision " + s.descriptor().getRevision() + ")");
        }
        return s;
    }

    public List<SecretSnapshot> list() {
        ready();
        return view.registered(clock.instant());
    }

    public Optional<EmergencyMode> emergency() {
        ready();
        return view.emergency();
    }

    // ---- registry -----------------------------------------------------------------------------------------

    public SecretSnapshot register(Caller caller, Map<String, Object> body) {
        Instant now = clock.instant();
        SecretSpec spec = valid(validator.validate(body, null, null, now));
        return change(caller, spec.secretId(), AccessAction.WRITE, "register", current -> {
            Decision decision = StateMachine.decide(Inputs.facts(spec.secretId(), current),
                    new LifecycleCommand.Register(Origin.of(caller.subject(), now), spec.activate()));
            SecretDescriptor descriptor = Descriptors.registered(spec, caller.subject(), now);
            List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
            records.add(Records.registry(descriptor));
            for (Change c : accepted(decision)) {
                records.add(Records.lifecycle(c.type() == LifecycleEventType.CREATED ? withDetails(c, registration(descriptor)) : c));
            }
            return records;
        });
    }

    public SecretSnapshot update(Caller caller, String secretId, Map<String, Object> body, Long expectedRevision) {
        Instant now = clock.instant();
        SecretSnapshot before = get(secretId);
        SecretSpec spec = valid(validator.validate(body, secretId, before.descriptor().getExpiresAt(), now));
        if (spec.type() != before.descriptor().getType()) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("type", "cannot change from "
                    + before.descriptor().getType() + " to " + spec.type() + "; register a new secret instead")));
        }
        List<String> changing = Descriptors.changedFields(before.descriptor(),
                Descriptors.updated(before.descriptor(), spec, caller.subject(), now));
        boolean policyChange = changing.contains("rotationPolicy") || changing.contains("tags");
        return change(caller, secretId, policyChange ? AccessAction.POLICY_CHANGE : AccessAction.WRITE, "update", current -> {
            SecretDescriptor existing = registered(secretId, current).descriptor();
            if (expectedRevision != null && existing.getRevision() != expectedRevision) {
                throw new LifecycleException.Stale("secret '" + secretId + "' is at revision " + existing.getRevision()
                        + ", not " + expectedRevision + "; read it again and re-apply your change", existing.getRevision());
            }
            SecretDescriptor next = Descriptors.updated(existing, spec, caller.subject(), now);
            List<String> changed = Descriptors.changedFields(existing, next);
            if (changed.isEmpty()) {
                return List.of();
            }
            Decision decision = StateMachine.decide(Inputs.facts(secretId, current),
                    new LifecycleCommand.RecordUpdate(Origin.of(caller.subject(), now), changed));
            List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
            records.add(Records.registry(next));
            for (Change c : accepted(decision)) {
                records.add(Records.lifecycle(withDetails(c, Map.of("revision", Long.toString(next.getRevision())))));
            }
            return records;
        });
    }

    /** A lifecycle operation; {@code reason} and {@code incidentId} are recorded with the event. */
    public SecretSnapshot apply(Caller caller, String secretId, Operation operation, String reason, String incidentId) {
        if (operation == Operation.REVOKE && (reason == null || reason.isBlank())) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("reason",
                    "is required to revoke a secret (for example: leaked in a CI log)")));
        }
        return change(caller, secretId, operation.action, operation.name().toLowerCase(java.util.Locale.ROOT), current -> {
            Instant now = clock.instant();
            SecretDescriptor descriptor = registered(secretId, current).descriptor();
            Origin origin = new Origin(caller.subject(), now, reason, incidentId);
            Decision decision = StateMachine.decide(Inputs.facts(secretId, current), command(operation, origin));
            List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
            for (Change c : accepted(decision)) {
                records.add(Records.lifecycle(c));
            }
            if (operation == Operation.DELETE) {
                records.add(Records.registry(Descriptors.withDeletedAt(descriptor, now, caller.subject(), now)));
            } else if (operation == Operation.RESTORE) {
                records.add(Records.registry(Descriptors.withDeletedAt(descriptor, null, caller.subject(), now)));
            } else if (operation == Operation.PURGE) {
                records.add(Records.purged(secretId));
            }
            return records;
        });
    }

    private LifecycleCommand command(Operation operation, Origin origin) {
        switch (operation) {
            case ACTIVATE: return new LifecycleCommand.Activate(origin);
            case DEPRECATE: return new LifecycleCommand.Deprecate(origin);
            case REVOKE: return new LifecycleCommand.Revoke(origin);
            case ARCHIVE: return new LifecycleCommand.Archive(origin);
            case DELETE: return new LifecycleCommand.SoftDelete(origin, settings.recoveryWindow());
            case RESTORE: return new LifecycleCommand.Restore(origin);
            case PURGE: return new LifecycleCommand.Purge(origin, settings.recoveryWindow(), settings.purgeProtection());
            default: return new LifecycleCommand.ClearRotationFailure(origin);
        }
    }

    // ---- rotation -----------------------------------------------------------------------------------------

    /**
     * Publishes a signed MANUAL rotation command. With an idempotency key, the rotation id is derived from it, so a
     * client that retries gets the same rotation, not a second one.
     */
    public RotationRequested rotateNow(Caller caller, String secretId, RotateRequest request) {
        if (request.gracePeriodSeconds() != null && (request.gracePeriodSeconds() < 0
                || request.gracePeriodSeconds() > settings.limits().maxGracePeriod().toSeconds())) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("gracePeriodSeconds", request.gracePeriodSeconds()
                    + " is out of range; allowed 0 to " + settings.limits().maxGracePeriod().toSeconds() + " seconds")));
        }
        String rotationId = request.idempotencyKey() == null ? UUID.randomUUID().toString()
                : NameBasedIds.of("manual-rotation", secretId, caller.subject(), request.idempotencyKey());
        RotationRequested[] result = new RotationRequested[1];
        change(caller, secretId, AccessAction.ROTATE, "rotate", current -> {
            SecretSnapshot s = registered(secretId, current);
            Instant now = clock.instant().truncatedTo(java.time.temporal.ChronoUnit.MILLIS);
            if (s.knownRotationIds().contains(rotationId)) {
                result[0] = new RotationRequested(rotationId, secretId, RotationReason.MANUAL, caller.subject(), now,
                        request.dryRun(), true);
                return List.of();
            }
            Optional<String> refusal = StateMachine.rotationRefusal(Inputs.facts(secretId, s));
            if (refusal.isPresent()) {
                throw new LifecycleException.Conflict(refusal.get(), s.status().state(), StateMachine.allowedNext(s.status().state()));
            }
            if (s.inFlight() != null && !request.dryRun()) {
                throw new LifecycleException.Conflict("rotation " + s.inFlight().rotationId() + " of '" + secretId
                        + "' is in flight (" + (s.inFlight().lastPhase() == null ? "issued" : s.inFlight().lastPhase())
                        + " since " + s.inFlight().lastHeard() + "); wait for it to finish", s.status().state(), null);
            }
            RotationCommand command = signer.sign(RotationCommand.newBuilder()
                    .setId(UUID.randomUUID().toString())
                    .setOccurredAt(now)
                    .setRotationId(rotationId)
                    .setSecretId(secretId)
                    .setReason(RotationReason.MANUAL)
                    .setPriority(10 + Inputs.priority(s.descriptor().getCriticality()))
                    .setRequestedBy(caller.subject())
                    .setIncidentId(request.incidentId())
                    .setForce(request.force())
                    .setDryRun(request.dryRun())
                    .setGracePeriodMs(request.gracePeriodSeconds() == null ? null : request.gracePeriodSeconds() * 1000)
                    .setIssuedAt(now)
                    .setIssuerKeyId(signer.keyId())
                    .setSignature(ByteBuffer.allocate(0))
                    .build());
            result[0] = new RotationRequested(rotationId, secretId, RotationReason.MANUAL, caller.subject(), now,
                    request.dryRun(), false);
            return List.of(Records.command(command));
        });
        return result[0];
    }

    // ---- emergency mode -----------------------------------------------------------------------------------

    public EmergencyMode setEmergency(Caller caller, boolean active, String incidentId, String reason) {
        ready();
        if (active && (incidentId == null || incidentId.isBlank())) {
            throw new LifecycleException.Invalid(List.of(FieldError.of("incidentId",
                    "is required to switch emergency mode on (the incident it belongs to)")));
        }
        EmergencyMode mode = EmergencyMode.newBuilder()
                .setId(UUID.randomUUID().toString())
                .setOccurredAt(clock.instant())
                .setActive(active)
                .setIncidentId(incidentId)
                .setChangedBy(caller.subject())
                .setReason(reason)
                .build();
        awaitVisible(log.write(List.of(Records.emergency(mode))));
        audit.changed(caller, null, AccessAction.POLICY_CHANGE, active ? "emergency-on" : "emergency-off");
        return mode;
    }

    // ---- internals ----------------------------------------------------------------------------------------

    /**
     * Runs {@code decide} under the secret's lock on a view caught up with the log, writes its records, waits until
     * the view shows them, and logs the change to the access log.
     */
    private SecretSnapshot change(Caller caller, String secretId, AccessAction action, String operation,
                                  Function<SecretSnapshot, List<ProducerRecord<String, SpecificRecord>>> decide) {
        ready();
        ReentrantLock lock = locks[Math.floorMod(secretId.hashCode(), LOCK_STRIPES)];
        lock.lock();
        try {
            catchUp(SecretPartitions.holding(secretId));
            SecretSnapshot current = view.secret(secretId, clock.instant()).orElse(null);
            List<ProducerRecord<String, SpecificRecord>> records = decide.apply(current);
            if (!records.isEmpty()) {
                awaitVisible(log.write(records));
                audit.changed(caller, secretId, action, operation);
            }
            return view.secret(secretId, clock.instant()).orElseThrow(
                    () -> new LifecycleException.NotFound("secret '" + secretId + "' is not registered"));
        } finally {
            lock.unlock();
        }
    }

    private void ready() {
        if (!view.caughtUp()) {
            throw new LifecycleException.Unavailable("the service is still reading the log after its start; retry shortly");
        }
    }

    private void catchUp(List<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = log.endOffsets(partitions);
        try {
            view.awaitPositions(end, CATCH_UP_TIMEOUT);
        } catch (TimeoutException e) {
            throw new LifecycleException.Unavailable("this instance is behind the log (" + e.getMessage() + "); retry shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException.Unavailable("interrupted");
        }
    }

    private void awaitVisible(Map<TopicPartition, Long> written) {
        try {
            view.awaitPositions(written, settings.writeTimeout());
        } catch (TimeoutException e) {
            throw new LifecycleException.NotYetVisible("the change was committed to the log but this instance has not "
                    + "applied it within " + settings.writeTimeout() + "; read it again shortly");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException.NotYetVisible("interrupted while waiting for the change to be applied");
        }
    }

    private static SecretSnapshot registered(String secretId, SecretSnapshot s) {
        if (s == null || !s.registered()) {
            throw new LifecycleException.NotFound("secret '" + secretId + "' is not registered");
        }
        return s;
    }

    private static List<Change> accepted(Decision decision) {
        if (decision instanceof Decision.Refused refused) {
            throw new LifecycleException.Conflict(refused.reason(), refused.current(), refused.allowedNext());
        }
        return ((Decision.Accepted) decision).changes();
    }

    private static SecretSpec valid(SpecValidator.Result result) {
        if (result instanceof SpecValidator.Result.Invalid invalid) {
            throw new LifecycleException.Invalid(invalid.errors());
        }
        return ((SpecValidator.Result.Valid) result).spec();
    }

    private static Map<String, String> registration(SecretDescriptor d) {
        Map<String, String> details = new LinkedHashMap<>();
        details.put("type", d.getType().name());
        if (d.getOwner() != null) {
            details.put("owner", d.getOwner());
        }
        details.put("criticality", d.getCriticality().name());
        details.put("revision", Long.toString(d.getRevision()));
        return details;
    }

    private static Change withDetails(Change c, Map<String, String> extra) {
        Map<String, String> details = new LinkedHashMap<>(c.details());
        details.putAll(extra);
        return new Change(c.id(), c.secretId(), c.type(), c.from(), c.to(), c.at(), c.actor(), c.reason(), c.rotationId(),
                c.incidentId(), details);
    }
}
