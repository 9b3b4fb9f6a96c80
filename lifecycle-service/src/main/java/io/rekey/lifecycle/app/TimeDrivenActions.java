package io.rekey.lifecycle.app;

import io.rekey.lifecycle.compliance.Compliance;
import io.rekey.lifecycle.compliance.ComplianceInput;
import io.rekey.lifecycle.compliance.ComplianceReport;
import io.rekey.lifecycle.compliance.HealthStatus;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.domain.Change;
import io.rekey.lifecycle.domain.Decision;
import io.rekey.lifecycle.domain.LifecycleCommand;
import io.rekey.lifecycle.domain.Origin;
import io.rekey.lifecycle.domain.SecretStatus;
import io.rekey.lifecycle.domain.StateMachine;
import io.rekey.lifecycle.expiry.ExpiryWatch;
import io.rekey.lifecycle.schedule.NameBasedIds;
import io.rekey.lifecycle.schedule.RotationScheduler;
import io.rekey.lifecycle.schedule.ScheduleInput;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.lifecycle.view.SecretSnapshot;
import io.rekey.schema.LifecycleState;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationReason;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * What happens because time passes, for the secrets this instance drives: scheduled rotation commands, expiry
 * warnings and expiry, the first-access mark, and the purge of soft-deleted secrets whose recovery window ended.
 * The decisions are the pure cores'; this class gathers their inputs from the view and writes their outcome in one
 * transaction per run. Every record it writes has a name-based id, and a run starts only once the view shows the
 * previous run's writes, so a repeat (a restart, a second instance taking over) is recognisable and rare.
 */
public final class TimeDrivenActions {

    private static final Logger LOG = LoggerFactory.getLogger(TimeDrivenActions.class);
    private static final Duration CATCH_UP_TIMEOUT = Duration.ofSeconds(5);

    private final LifecycleView view;
    private final StateLog log;
    private final Supplier<Set<Integer>> owned;
    private final CommandSigner signer;
    private final ExpiryWatch expiry;
    private final LifecycleSettings settings;
    private final LifecycleMetrics metrics;
    private final Clock clock;
    private final AtomicLong runs = new AtomicLong();
    private Map<TopicPartition, Long> previousWrite = Map.of();

    public TimeDrivenActions(LifecycleView view, StateLog log, Supplier<Set<Integer>> owned, CommandSigner signer,
                             LifecycleSettings settings, LifecycleMetrics metrics, Clock clock) {
        this.view = Objects.requireNonNull(view, "view must not be null");
        this.log = Objects.requireNonNull(log, "log must not be null");
        this.owned = Objects.requireNonNull(owned, "owned must not be null");
        this.signer = Objects.requireNonNull(signer, "signer must not be null");
        this.settings = Objects.requireNonNull(settings, "settings must not be null");
        this.metrics = Objects.requireNonNull(metrics, "metrics must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        this.expiry = new ExpiryWatch(settings.expiryLeadTimes());
    }

    /** Completed runs (with the view caught up), for health and tests. */
    public long runs() {
        return runs.get();
    }

    public synchronized void run() {
        if (!view.caughtUp()) {
            return;
        }
        Set<Integer> mine = owned.get();
        try {
            if (!mine.isEmpty() && caughtUp(mine)) {
                act(mine);
            }
        } catch (LifecycleException.Unavailable e) {
            LOG.warn("time-driven work skipped this time: {}", e.getMessage());
        } finally {
            refreshGauges();
            runs.incrementAndGet();
        }
    }

    /** Whether the view shows the previous run's writes and the current end of the log of these partitions. */
    private boolean caughtUp(Set<Integer> partitions) {
        try {
            view.awaitPositions(previousWrite, CATCH_UP_TIMEOUT);
            view.awaitPositions(log.endOffsets(SecretPartitions.onPartitions(partitions)), CATCH_UP_TIMEOUT);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("time-driven work waits for the view to catch up: {}", e.getMessage());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void act(Set<Integer> mine) {
        Instant now = clock.instant();
        List<SecretSnapshot> secrets = new ArrayList<>();
        for (SecretSnapshot s : view.registered(now)) {
            int partition = s.registryPartition() >= 0 ? s.registryPartition() : SecretPartitions.of(s.secretId());
            if (mine.contains(partition)) {
                secrets.add(s);
            }
        }
        Origin origin = Origin.of(settings.schedulerPrincipal(), now);
        List<ProducerRecord<String, SpecificRecord>> records = new ArrayList<>();
        List<Runnable> afterCommit = new ArrayList<>();

        List<ScheduleInput> inputs = secrets.stream().map(Inputs::schedule).toList();
        for (RotationScheduler.Plan.Due due : RotationScheduler.due(inputs, view.emergencyActive(), now)) {
            records.add(Records.command(command(due, now)));
            afterCommit.add(() -> {
                metrics.scheduled(RotationReason.SCHEDULED.name());
                LOG.info("scheduled rotation {} of {} (due {})", due.rotationId(), due.secretId(), due.slot());
            });
        }
        for (SecretSnapshot s : secrets) {
            SecretStatus status = s.status();
            expiry.due(status, s.descriptor().getExpiresAt(), now).ifPresent(action -> {
                if (action instanceof ExpiryWatch.Action.Warn warn) {
                    add(records, s, new LifecycleCommand.WarnExpiry(origin, warn.leadTime(), warn.expiresAt()),
                            NameBasedIds.of("expiry-warning", s.secretId(), warn.expiresAt().toString(), warn.leadTime().toString()),
                            afterCommit, () -> metrics.expiryWarning(warn.leadTime()));
                } else {
                    ExpiryWatch.Action.Expire expire = (ExpiryWatch.Action.Expire) action;
                    add(records, s, new LifecycleCommand.Expire(origin),
                            NameBasedIds.of("expired", s.secretId(), expire.expiresAt().toString()), afterCommit, metrics::expired);
                }
            });
            if ((status.state() == LifecycleState.ACTIVATED || status.state() == LifecycleState.ROTATED)
                    && s.lastAccessAt() != null && s.lastAccessAt().isAfter(status.stateSince()) && !status.isSoftDeleted()) {
                add(records, s, new LifecycleCommand.MarkAccessed(origin, s.lastAccessAt(), s.lastAccessBy()),
                        NameBasedIds.of("accessed", s.secretId(), status.stateSince().toString()), afterCommit, () -> { });
            }
            if (status.isSoftDeleted() && !now.isBefore(status.deletedAt().plus(settings.recoveryWindow()))) {
                if (add(records, s, new LifecycleCommand.Purge(new Origin(settings.schedulerPrincipal(), now,
                                "recovery window of " + settings.recoveryWindow() + " ended", null), settings.recoveryWindow(), true),
                        NameBasedIds.of("purged", s.secretId(), status.deletedAt().toString()), afterCommit, () -> { })) {
                    records.add(Records.purged(s.secretId()));
                }
            }
        }
        if (records.isEmpty()) {
            return;
        }
        previousWrite = log.write(records);
        afterCommit.forEach(Runnable::run);
    }

    /** Adds the events of an accepted decision; a refusal here only means there is nothing to do. */
    private static boolean add(List<ProducerRecord<String, SpecificRecord>> records, SecretSnapshot s,
                               LifecycleCommand command, String eventId, List<Runnable> afterCommit, Runnable onCommit) {
        Decision decision = StateMachine.decide(Inputs.facts(s.secretId(), s), command);
        if (!(decision instanceof Decision.Accepted accepted)) {
            return false;
        }
        List<Change> changes = accepted.changes();
        for (int i = 0; i < changes.size(); i++) {
            records.add(Records.lifecycle(changes.get(i).withId(i == 0 ? eventId : NameBasedIds.of(eventId, Integer.toString(i)))));
        }
        afterCommit.add(onCommit);
        return true;
    }

    private RotationCommand command(RotationScheduler.Plan.Due due, Instant now) {
        return signer.sign(RotationCommand.newBuilder()
                .setId(NameBasedIds.of("command", due.rotationId()))
                .setOccurredAt(now)
                .setRotationId(due.rotationId())
                .setSecretId(due.secretId())
                .setReason(RotationReason.SCHEDULED)
                .setPriority(due.priority())
                .setRequestedBy(settings.schedulerPrincipal())
                .setIncidentId(null)
                .setForce(false)
                .setDryRun(false)
                .setGracePeriodMs(due.gracePeriodMs())
                .setIssuedAt(now)
                .setIssuerKeyId(signer.keyId())
                .setSignature(ByteBuffer.allocate(0))
                .build());
    }

    private void refreshGauges() {
        if (!view.caughtUp()) {
            return;
        }
        Instant now = clock.instant();
        Map<HealthStatus, Long> byHealth = new EnumMap<>(HealthStatus.class);
        Map<LifecycleState, Long> byState = new EnumMap<>(LifecycleState.class);
        List<ComplianceInput> inputs = new ArrayList<>();
        for (SecretSnapshot s : view.registered(now)) {
            ComplianceInput input = Inputs.compliance(s, now);
            inputs.add(input);
            HealthStatus h = Compliance.health(input, settings.compliance(), now);
            if (h != null) {
                byHealth.merge(h, 1L, Long::sum);
            }
            byState.merge(s.status().state(), 1L, Long::sum);
        }
        ComplianceReport report = Compliance.report(inputs, settings.compliance(), now);
        metrics.registry(byHealth, byState, report.totals(), view.emergencyActive());
    }
}
