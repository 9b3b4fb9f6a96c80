package io.rekey.cli.rotation;

import io.rekey.schema.client.RotationWatcher;

import io.rekey.schema.Category;
import io.rekey.schema.order.CategoryOrder;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.SecretDescriptor;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Rotates many secrets: category by category (infrastructure, service, integration, human), each category
 * finished before the next starts, with at most {@code parallelLimit} rotations in flight. A secret counts as
 * rotated once its new credential is live (PROMOTED onwards; the old one may still be in its grace period).
 */
public final class MassRotation {

    /** What happened to one secret. */
    public record Outcome(String secretId, Category category, String rotationId, RotationPhase phase, Duration took, String error) {
        public boolean rotated() {
            return RotationWatcher.ROTATED.contains(phase);
        }
    }

    /** Counts for progress display. */
    public record Counts(int done, int failed, int inFlight, Duration elapsed) { }

    private static final Comparator<SecretDescriptor> ORDER = Comparator
            .comparingInt((SecretDescriptor d) -> CategoryOrder.rank(d.getCategory()))
            .thenComparing(SecretDescriptor::getSecretId);

    private final Consumer<RotationCommand> sender;
    private final RotationWatcher watcher;
    private final Function<String, RotationCommand> commands;
    private final int parallelLimit;
    private final Duration perSecretTimeout;
    private final Clock clock;

    public MassRotation(Consumer<RotationCommand> sender, RotationWatcher watcher, Function<String, RotationCommand> commands,
                        int parallelLimit, Duration perSecretTimeout, Clock clock) {
        if (parallelLimit < 1) {
            throw new IllegalArgumentException("--parallel-limit must be at least 1, was " + parallelLimit);
        }
        this.sender = Objects.requireNonNull(sender, "sender must not be null");
        this.watcher = Objects.requireNonNull(watcher, "watcher must not be null");
        this.commands = Objects.requireNonNull(commands, "commands must not be null");
        this.parallelLimit = parallelLimit;
        this.perSecretTimeout = Objects.requireNonNull(perSecretTimeout, "perSecretTimeout must not be null");
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
    }

    /** The order secrets are rotated in. */
    public static List<SecretDescriptor> ordered(List<SecretDescriptor> secrets) {
        return secrets.stream().sorted(ORDER).toList();
    }

    public List<Outcome> run(List<SecretDescriptor> secrets, Consumer<Counts> progress) throws InterruptedException {
        Instant started = clock.instant();
        Map<String, Outcome> outcomes = new LinkedHashMap<>();
        Map<Integer, List<SecretDescriptor>> byCategory = new LinkedHashMap<>();
        for (SecretDescriptor d : ordered(secrets)) {
            byCategory.computeIfAbsent(CategoryOrder.rank(d.getCategory()), k -> new ArrayList<>()).add(d);
        }
        for (List<SecretDescriptor> category : byCategory.values()) {
            runCategory(category, outcomes, started, progress);
        }
        progress.accept(counts(outcomes, 0, started));
        return List.copyOf(outcomes.values());
    }

    private record InFlight(SecretDescriptor secret, RotationCommand command, Instant sentAt) { }

    private void runCategory(List<SecretDescriptor> secrets, Map<String, Outcome> outcomes, Instant started, Consumer<Counts> progress)
            throws InterruptedException {
        Deque<SecretDescriptor> waiting = new ArrayDeque<>(secrets);
        List<InFlight> inFlight = new ArrayList<>();
        while (!waiting.isEmpty() || !inFlight.isEmpty()) {
            while (inFlight.size() < parallelLimit && !waiting.isEmpty()) {
                SecretDescriptor next = waiting.poll();
                RotationCommand command = commands.apply(next.getSecretId());
                sender.accept(command);
                inFlight.add(new InFlight(next, command, clock.instant()));
            }
            watcher.awaitChange(Duration.ofMillis(200));
            Instant now = clock.instant();
            inFlight.removeIf(f -> finished(f, now).map(o -> {
                outcomes.put(o.secretId(), o);
                return true;
            }).orElse(false));
            progress.accept(counts(outcomes, inFlight.size(), started));
        }
    }

    private Optional<Outcome> finished(InFlight f, Instant now) {
        Optional<RotationEvent> latest = watcher.latest(f.command().getRotationId());
        Duration took = Duration.between(f.sentAt(), now);
        if (latest.isPresent()) {
            RotationEvent e = latest.get();
            boolean dryRunDone = f.command().getDryRun() && e.getPhase() == RotationPhase.SUCCEEDED;
            if (RotationWatcher.ROTATED.contains(e.getPhase()) || RotationWatcher.UNSUCCESSFUL.contains(e.getPhase()) || dryRunDone) {
                return Optional.of(new Outcome(f.secret().getSecretId(), f.secret().getCategory(), f.command().getRotationId(),
                        e.getPhase(), took, e.getError()));
            }
        }
        if (took.compareTo(perSecretTimeout) > 0) {
            return Optional.of(new Outcome(f.secret().getSecretId(), f.secret().getCategory(), f.command().getRotationId(),
                    latest.map(RotationEvent::getPhase).orElse(RotationPhase.UNKNOWN), took,
                    "no result within " + perSecretTimeout + " (last phase " + latest.map(RotationEvent::getPhase).map(Enum::name).orElse("none") + ")"));
        }
        return Optional.empty();
    }

    private Counts counts(Map<String, Outcome> outcomes, int inFlight, Instant started) {
        int done = (int) outcomes.values().stream().filter(Outcome::rotated).count();
        return new Counts(done, outcomes.size() - done, inFlight, Duration.between(started, clock.instant()));
    }
}
