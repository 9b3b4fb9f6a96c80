package io.rekey.lifecycle.domain;

import io.rekey.schema.LifecycleEventType;
import io.rekey.schema.LifecycleState;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collections;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import static io.rekey.schema.LifecycleState.ACCESSED;
import static io.rekey.schema.LifecycleState.ACTIVATED;
import static io.rekey.schema.LifecycleState.ARCHIVED;
import static io.rekey.schema.LifecycleState.CREATED;
import static io.rekey.schema.LifecycleState.DEPRECATED;
import static io.rekey.schema.LifecycleState.EXPIRED;
import static io.rekey.schema.LifecycleState.PURGED;
import static io.rekey.schema.LifecycleState.REVOKED;
import static io.rekey.schema.LifecycleState.ROTATED;

/**
 * The lifecycle of a secret: which transitions are legal, what a command turns into ({@link #decide}) and how
 * recorded events fold into a {@link SecretStatus} ({@link #evolve}). Pure: no clock, no I/O.
 *
 * <p>{@code decide} refuses an illegal command with the reason. {@code evolve} is total, because the log is the
 * truth: it applies every event in log order, and an event that is not a legal transition from the state reached
 * so far (two writers raced, or the rotation worker rotated a secret that was revoked meanwhile) is kept in the
 * history but leaves the state as it was, with the reason as a note. Every instance folds the same log the same
 * way, so they agree.
 *
 * <p>A ROTATED fact always records the rotation time (the credential did change), even when the state stays:
 * a DEPRECATED, EXPIRED, REVOKED or ARCHIVED secret keeps its state, because a rotation does not reinstate a
 * credential someone took out of service.
 */
public final class StateMachine {

    /** Detail key of the UPDATED event by which a person settles a failed rotation. */
    public static final String DETAIL_FAILURE_CLEARED = "rotationFailureCleared";
    public static final String DETAIL_CHANGED_FIELDS = "changedFields";
    public static final String DETAIL_LEAD_TIME = "leadTime";
    public static final String DETAIL_LEAD_DAYS = "leadDays";
    public static final String DETAIL_EXPIRES_AT = "expiresAt";
    public static final String DETAIL_RECOVERABLE_UNTIL = "recoverableUntil";

    private static final Map<LifecycleState, Set<LifecycleState>> NEXT = new EnumMap<>(LifecycleState.class);

    static {
        NEXT.put(CREATED, EnumSet.of(ACTIVATED, ROTATED, EXPIRED, REVOKED, PURGED));
        NEXT.put(ACTIVATED, EnumSet.of(ACCESSED, ROTATED, DEPRECATED, EXPIRED, REVOKED));
        NEXT.put(ACCESSED, EnumSet.of(ROTATED, DEPRECATED, EXPIRED, REVOKED));
        NEXT.put(ROTATED, EnumSet.of(ACCESSED, ROTATED, DEPRECATED, EXPIRED, REVOKED));
        NEXT.put(DEPRECATED, EnumSet.of(ACTIVATED, EXPIRED, REVOKED, ARCHIVED, PURGED));
        NEXT.put(EXPIRED, EnumSet.of(ACTIVATED, REVOKED, ARCHIVED, PURGED));
        NEXT.put(REVOKED, EnumSet.of(ARCHIVED, PURGED));
        NEXT.put(ARCHIVED, EnumSet.of(PURGED));
        NEXT.put(PURGED, EnumSet.noneOf(LifecycleState.class));
        NEXT.put(LifecycleState.UNKNOWN, EnumSet.noneOf(LifecycleState.class));
    }

    /** States from which a secret may be soft-deleted: never while it is in use. */
    private static final Set<LifecycleState> DELETABLE = EnumSet.of(CREATED, DEPRECATED, EXPIRED, REVOKED, ARCHIVED);
    /** States in which a rotation may be requested. */
    private static final Set<LifecycleState> ROTATABLE = EnumSet.of(CREATED, ACTIVATED, ACCESSED, ROTATED, DEPRECATED);
    /** States in which the credential is in service and rotated on schedule. */
    public static final Set<LifecycleState> IN_SERVICE = Collections.unmodifiableSet(EnumSet.of(ACTIVATED, ACCESSED, ROTATED));

    private StateMachine() {
    }

    /** The state an event type moves a secret to, or null for facts recorded without a transition. */
    public static LifecycleState targetOf(LifecycleEventType type) {
        switch (type) {
            case CREATED: return CREATED;
            case ACTIVATED: return ACTIVATED;
            case ACCESSED: return ACCESSED;
            case ROTATED: return ROTATED;
            case DEPRECATED: return DEPRECATED;
            case EXPIRED: return EXPIRED;
            case REVOKED: return REVOKED;
            case ARCHIVED: return ARCHIVED;
            case PURGED: return PURGED;
            default: return null;
        }
    }

    public static Set<LifecycleState> allowedNext(LifecycleState from) {
        return from == null ? EnumSet.of(CREATED) : Collections.unmodifiableSet(NEXT.get(from));
    }

    /** Why {@code from -> to} is illegal, or empty when it is legal. */
    public static Optional<String> refusal(LifecycleState from, LifecycleState to) {
        if (from == null) {
            return to == CREATED ? Optional.empty() : Optional.of("the secret is not registered");
        }
        if (NEXT.get(from).contains(to)) {
            return Optional.empty();
        }
        if (from == PURGED) {
            return Optional.of("the secret was purged");
        }
        if (from == ARCHIVED) {
            return Optional.of("an ARCHIVED secret is retired for good; only a purge can follow (register a new secret instead)");
        }
        if (from == REVOKED && (to == ACTIVATED || to == ROTATED || to == ACCESSED)) {
            return Optional.of("a REVOKED secret stays revoked: its credential was declared unsafe (register a new secret instead)");
        }
        if (to == ARCHIVED) {
            return Optional.of(from == CREATED
                    ? "the secret is CREATED and was never in service; delete it instead of archiving it"
                    : "the secret is " + from + " (in service); deprecate, revoke or let it expire before archiving it");
        }
        if (to == PURGED) {
            return Optional.of("the secret is " + from + " (in service) and cannot be purged");
        }
        if (to == ACCESSED) {
            return Optional.of("ACCESSED marks the first use after activation or rotation; the secret is " + from);
        }
        if (to == ROTATED) {
            return Optional.of("the secret is " + from + " (out of service); a rotation does not put it back in service");
        }
        if (to == from) {
            return Optional.of("the secret is already " + from);
        }
        return Optional.of("cannot go from " + from + " to " + to + "; from " + from + " the next states are " + sorted(NEXT.get(from)));
    }

    /** Whether a rotation may be requested now, or why not. */
    public static Optional<String> rotationRefusal(SecretFacts facts) {
        SecretStatus s = facts.status();
        if (s == null || !s.isRegistered()) {
            return Optional.of("secret '" + facts.secretId() + "' is not registered");
        }
        if (s.isSoftDeleted()) {
            return Optional.of("secret '" + facts.secretId() + "' is soft-deleted; restore it before rotating it");
        }
        if (!ROTATABLE.contains(s.state())) {
            return Optional.of("the secret is " + s.state() + "; a rotation can be requested in states " + sorted(ROTATABLE));
        }
        return Optional.empty();
    }

    /** What {@code command} turns into for the secret described by {@code facts}. */
    public static Decision decide(SecretFacts facts, LifecycleCommand command) {
        String id = facts.secretId();
        SecretStatus s = facts.status();
        Origin origin = command.origin();
        if (command instanceof LifecycleCommand.Register register) {
            return register(facts, register);
        }
        if (s == null || !s.isRegistered()) {
            return new Decision.Refused("secret '" + id + "' is not registered", s == null ? null : s.state(), Set.of(CREATED));
        }
        LifecycleState state = s.state();
        if (command instanceof LifecycleCommand.Restore) {
            if (!s.isSoftDeleted()) {
                return refused("secret '" + id + "' is not deleted; there is nothing to restore", s);
            }
            return accepted(Change.of(id, LifecycleEventType.RESTORED, state, state, origin, Map.of()));
        }
        if (command instanceof LifecycleCommand.Purge purge) {
            return purge(facts, purge);
        }
        if (s.isSoftDeleted()) {
            return refused("secret '" + id + "' is soft-deleted (since " + s.deletedAt() + "); restore it first", s);
        }
        if (command instanceof LifecycleCommand.Activate) {
            if (state == EXPIRED && (facts.expiresAt() == null || !facts.expiresAt().isAfter(origin.at()))) {
                return refused("secret '" + id + "' expired at " + facts.expiresAt()
                        + "; move expiresAt into the future (update the secret) before activating it again", s);
            }
            return transition(s, ACTIVATED, LifecycleEventType.ACTIVATED, origin, Map.of());
        }
        if (command instanceof LifecycleCommand.Deprecate) {
            return transition(s, DEPRECATED, LifecycleEventType.DEPRECATED, origin, Map.of());
        }
        if (command instanceof LifecycleCommand.Revoke) {
            return transition(s, REVOKED, LifecycleEventType.REVOKED, origin, Map.of());
        }
        if (command instanceof LifecycleCommand.Archive) {
            return transition(s, ARCHIVED, LifecycleEventType.ARCHIVED, origin, Map.of());
        }
        if (command instanceof LifecycleCommand.Expire) {
            if (facts.expiresAt() == null || facts.expiresAt().isAfter(origin.at())) {
                return refused("secret '" + id + "' does not expire before " + origin.at()
                        + " (expiresAt " + facts.expiresAt() + ")", s);
            }
            return transition(s, EXPIRED, LifecycleEventType.EXPIRED, origin,
                    Map.of(DETAIL_EXPIRES_AT, facts.expiresAt().toString()));
        }
        if (command instanceof LifecycleCommand.MarkAccessed accessed) {
            if (!accessed.accessAt().isAfter(s.stateSince())) {
                return refused("no access since the secret became " + state + " at " + s.stateSince(), s);
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put("accessAt", accessed.accessAt().toString());
            if (accessed.principal() != null) {
                details.put("principal", accessed.principal());
            }
            return transition(s, ACCESSED, LifecycleEventType.ACCESSED, origin, details);
        }
        if (command instanceof LifecycleCommand.SoftDelete delete) {
            if (!DELETABLE.contains(state)) {
                return refused("the secret is " + state + " (in use) and cannot be deleted; deprecate or revoke it first", s);
            }
            Instant until = origin.at().plus(delete.recoveryWindow());
            return accepted(Change.of(id, LifecycleEventType.SOFT_DELETED, state, state, origin,
                    Map.of(DETAIL_RECOVERABLE_UNTIL, until.toString())));
        }
        if (command instanceof LifecycleCommand.WarnExpiry warn) {
            if (s.warned(warn.leadTime(), warn.expiresAt())) {
                return refused("the " + warn.leadTime() + " expiry warning for " + warn.expiresAt() + " was already sent", s);
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put(DETAIL_LEAD_TIME, warn.leadTime().toString());
            if (warn.leadTime().toHoursPart() == 0 && warn.leadTime().toMinutesPart() == 0 && warn.leadTime().toSecondsPart() == 0) {
                details.put(DETAIL_LEAD_DAYS, Long.toString(warn.leadTime().toDays()));
            }
            details.put(DETAIL_EXPIRES_AT, warn.expiresAt().toString());
            return accepted(Change.of(id, LifecycleEventType.EXPIRY_WARNING, state, state, origin, details));
        }
        if (command instanceof LifecycleCommand.ClearRotationFailure) {
            if (!facts.rotationFailed()) {
                return refused("secret '" + id + "' has no failed rotation to clear", s);
            }
            Map<String, String> details = new LinkedHashMap<>();
            details.put(DETAIL_FAILURE_CLEARED, "true");
            if (s.failedRotationId() != null) {
                details.put("failedRotationId", s.failedRotationId());
            }
            return accepted(Change.of(id, LifecycleEventType.UPDATED, state, state, origin, details));
        }
        if (command instanceof LifecycleCommand.RecordUpdate update) {
            if (state == ARCHIVED) {
                return refused("an ARCHIVED secret is read-only", s);
            }
            return accepted(Change.of(id, LifecycleEventType.UPDATED, state, state, origin,
                    Map.of(DETAIL_CHANGED_FIELDS, String.join(",", update.changedFields()))));
        }
        throw new IllegalArgumentException("unknown command " + command.getClass().getName());
    }

    private static Decision register(SecretFacts facts, LifecycleCommand.Register register) {
        SecretStatus s = facts.status();
        String id = facts.secretId();
        if (s != null && s.isRegistered()) {
            if (s.isSoftDeleted()) {
                return refused("secret '" + id + "' is soft-deleted (since " + s.deletedAt()
                        + "); restore it, or purge it before registering the id again", s);
            }
            return refused("secret '" + id + "' is already registered (state " + s.state() + ")", s);
        }
        Origin origin = register.origin();
        Change created = Change.of(id, LifecycleEventType.CREATED, null, CREATED, origin, Map.of());
        if (!register.activate()) {
            return accepted(created);
        }
        return new Decision.Accepted(List.of(created,
                Change.of(id, LifecycleEventType.ACTIVATED, CREATED, ACTIVATED, origin, Map.of())));
    }

    private static Decision purge(SecretFacts facts, LifecycleCommand.Purge purge) {
        SecretStatus s = facts.status();
        String id = facts.secretId();
        if (!s.isSoftDeleted()) {
            return refused("secret '" + id + "' must be soft-deleted before it can be purged", s);
        }
        Instant until = s.deletedAt().plus(purge.recoveryWindow());
        if (purge.purgeProtection() && purge.origin().at().isBefore(until)) {
            return refused("secret '" + id + "' is recoverable until " + until
                    + " and purge protection is on; it is purged automatically then", s);
        }
        return accepted(Change.of(id, LifecycleEventType.PURGED, s.state(), PURGED, purge.origin(),
                Map.of("deletedAt", s.deletedAt().toString())));
    }

    private static Decision transition(SecretStatus s, LifecycleState to, LifecycleEventType type, Origin origin,
                                       Map<String, String> details) {
        Optional<String> why = refusal(s.state(), to);
        if (why.isPresent()) {
            return refused(why.get(), s);
        }
        return accepted(Change.of(s.secretId(), type, s.state(), to, origin, details));
    }

    private static Decision accepted(Change change) {
        return new Decision.Accepted(List.of(change));
    }

    private static Decision refused(String reason, SecretStatus s) {
        return new Decision.Refused(reason, s.state(), allowedNext(s.state()));
    }

    /** The status after {@code event}, and whether the event changed the state as it says. */
    public record Evolution(SecretStatus status, boolean applied, String note) {
    }

    /** Folds one recorded event into the status; never throws for an event that does not fit (see class doc). */
    public static Evolution evolve(SecretStatus current, Change event) {
        SecretStatus s = current == null ? SecretStatus.unregistered(event.secretId()) : current;
        LifecycleState target = targetOf(event.type());
        if (event.type() == LifecycleEventType.CREATED) {
            if (s.isRegistered()) {
                return new Evolution(s, false, "ignored: secret already registered (state " + s.state() + ")");
            }
            return new Evolution(SecretStatus.created(s.secretId(), event.at()), true, null);
        }
        if (target != null) {
            SecretStatus base = event.type() == LifecycleEventType.ROTATED ? s.rotated(event.at(), event.rotationId()) : s;
            Optional<String> why = refusal(s.state(), target);
            if (why.isPresent()) {
                return new Evolution(base, false, "state kept " + s.state() + ": " + why.get());
            }
            SecretStatus next = base.inState(target, event.at());
            if (target == PURGED) {
                next = next.deleted(null);
            }
            return new Evolution(next, true, null);
        }
        switch (event.type()) {
            case ROTATION_FAILED:
                return new Evolution(s.failed(event.at(), event.rotationId(), event.reason()), true, null);
            case SOFT_DELETED:
                return new Evolution(s.deleted(event.at()), true, null);
            case RESTORED:
                return new Evolution(s.deleted(null), true, null);
            case EXPIRY_WARNING:
                return expiryWarning(s, event);
            case UPDATED:
                if ("true".equals(event.details().get(DETAIL_FAILURE_CLEARED))) {
                    return new Evolution(s.failureCleared(event.at()), true, null);
                }
                return new Evolution(s, true, null);
            default:
                return new Evolution(s, true, null);
        }
    }

    private static Evolution expiryWarning(SecretStatus s, Change event) {
        try {
            String lead = event.details().get(DETAIL_LEAD_TIME);
            Duration leadTime = lead != null ? Duration.parse(lead)
                    : Duration.ofDays(Long.parseLong(event.details().getOrDefault(DETAIL_LEAD_DAYS, "")));
            Instant expiresAt = Instant.parse(event.details().getOrDefault(DETAIL_EXPIRES_AT, ""));
            return new Evolution(s.warnedFor(new SecretStatus.ExpiryWarning(leadTime, expiresAt)), true, null);
        } catch (DateTimeParseException | NumberFormatException e) {
            return new Evolution(s, false, "expiry warning without a readable leadTime and expiresAt");
        }
    }

    private static List<LifecycleState> sorted(Set<LifecycleState> states) {
        return states.stream().sorted().toList();
    }
}
