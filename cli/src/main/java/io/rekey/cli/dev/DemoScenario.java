package io.rekey.cli.dev;

import io.rekey.cli.kafka.CliKafka;
import io.rekey.cli.kafka.Commands;
import io.rekey.cli.rotation.RegistrySnapshot;
import io.rekey.schema.RotationCommand;
import io.rekey.schema.RotationEvent;
import io.rekey.schema.RotationPhase;
import io.rekey.schema.RotationReason;
import io.rekey.schema.client.RotationWatcher;
import io.rekey.schema.topic.Topics;

import java.io.IOException;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumSet;
import java.util.Set;

/**
 * What the dev stack shows once it is up: the lifecycle service registers the demo secrets from its seed file, and
 * the CLI rotates {@code db/orders} (a real PostgreSQL role) by hand, printing each phase as its event arrives.
 */
final class DemoScenario {

    static final String DEMO_SECRET = "db/orders";
    private static final Duration REGISTRATION_TIMEOUT = Duration.ofSeconds(60);
    private static final Set<RotationPhase> ENDS = EnumSet.of(RotationPhase.SUCCEEDED, RotationPhase.FAILED,
            RotationPhase.REFUSED, RotationPhase.ABANDONED);

    private DemoScenario() {
    }

    /** Waits for the demo secret's registration and rotates it; returns the final phase. */
    static RotationPhase run(CliKafka kafka, DevKeys keys, PrintStream out) throws IOException, InterruptedException {
        if (!awaitRegistration(kafka, out)) {
            return RotationPhase.UNKNOWN;
        }
        Instant now = Instant.now();
        RotationCommand command = Commands.signed(DEMO_SECRET, RotationReason.MANUAL, "dev-stack", null, true, false,
                null, 0, DevKeys.CLI_ISSUER, keys.cliKey(), now);
        try (RotationWatcher watcher = new RotationWatcher(kafka.clients(), now.minusSeconds(5))) {
            watcher.onEvent(e -> {
                if (e.getRotationId().equals(command.getRotationId())) {
                    out.printf("demo:   %-18s %5d ms%s%n", e.getPhase(), e.getDurationMs(), e.getError() == null ? "" : "  " + e.getError());
                }
            });
            kafka.send(Topics.ROTATION_COMMANDS.name(), DEMO_SECRET, command);
            out.printf("demo: rotating %s, PostgreSQL role %s (rotation %s)%n", DEMO_SECRET, DemoAccounts.POSTGRES_ROLE,
                    command.getRotationId());
            return watcher.awaitPhase(command.getRotationId(), ENDS, Duration.ofSeconds(90))
                    .map(RotationEvent::getPhase).orElse(RotationPhase.UNKNOWN);
        }
    }

    private static boolean awaitRegistration(CliKafka kafka, PrintStream out) throws InterruptedException {
        long deadline = System.nanoTime() + REGISTRATION_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            if (RegistrySnapshot.read(kafka.clients()).find(DEMO_SECRET).isPresent()) {
                return true;
            }
            Thread.sleep(1000);
        }
        out.println("demo: " + DEMO_SECRET + " was not registered within " + REGISTRATION_TIMEOUT.toSeconds()
                + " s; see the lifecycle-service log");
        return false;
    }
}
