package io.rekey.lifecycle.runtime;

import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import io.micronaut.context.annotation.Value;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.core.type.Argument;
import io.micronaut.json.JsonMapper;
import io.rekey.lifecycle.app.AccessAudit;
import io.rekey.lifecycle.app.CommandSigner;
import io.rekey.lifecycle.app.LifecycleMetrics;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.app.Seeds;
import io.rekey.lifecycle.app.StateLog;
import io.rekey.lifecycle.app.TimeDrivenActions;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.kafka.KafkaStateLog;
import io.rekey.lifecycle.kafka.LogTailer;
import io.rekey.lifecycle.kafka.LogWriter;
import io.rekey.lifecycle.kafka.Ownership;
import io.rekey.lifecycle.kafka.SideChannel;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.client.KafkaClients;
import jakarta.inject.Singleton;
import org.apache.kafka.clients.admin.Admin;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;

/**
 * Wires the pure cores to Kafka, Micrometer and the clock. Settings, the issuer key and the token settings are
 * validated while the context starts ({@link Context} beans); the threads start afterwards ({@link Ticker}), so a
 * bad setting stops the service before it touches Kafka.
 */
@Factory
public class LifecycleFactory {

    private static final Logger LOG = LoggerFactory.getLogger(LifecycleFactory.class);

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    /** Validates the issuer key at start-up: a missing or unreadable key stops the service, naming the setting. */
    @Context
    @Singleton
    CommandSigner commandSigner(LifecycleSettings settings) {
        return CommandSigner.fromFile(settings.issuerKeyFile(), settings.issuerKeyId(),
                "rekey.lifecycle.issuer-key-file (REKEY_LIFECYCLE_ISSUER_KEY_FILE)", LOG::warn);
    }

    @Singleton
    LifecycleView view(LifecycleSettings settings) {
        return new LifecycleView(settings.historyLimit(), settings.rotationLimit(), settings.unansweredCommand());
    }

    @Singleton
    @Bean(preDestroy = "close")
    SideChannel sideChannel(KafkaClients clients, LifecycleSettings settings, MeterRegistry meters) {
        return new SideChannel(clients, "rekey-lifecycle-" + settings.instanceId() + "-side", meters);
    }

    @Singleton
    @Bean(preDestroy = "close")
    LogTailer logTailer(KafkaClients clients, LifecycleView view, SideChannel sideChannel, Clock clock, LifecycleSettings settings) {
        return new LogTailer(clients, view, sideChannel, clock, "rekey-lifecycle-" + settings.instanceId());
    }

    @Singleton
    @Bean(preDestroy = "close")
    Ownership ownership(KafkaClients clients, LifecycleSettings settings) {
        return new Ownership(clients, settings.schedulerGroup(), "rekey-lifecycle-" + settings.instanceId());
    }

    @Singleton
    @Bean(preDestroy = "close")
    LogWriter logWriter(KafkaClients clients, LifecycleSettings settings) {
        return new LogWriter(clients, settings.instanceId());
    }

    @Singleton
    StateLog stateLog(LogWriter writer, Admin admin) {
        return new KafkaStateLog(writer, admin);
    }

    @Singleton
    AccessAudit accessAudit(SideChannel sideChannel, Clock clock) {
        return new AccessAudit(sideChannel::access, clock);
    }

    @Singleton
    LifecycleMetrics lifecycleMetrics(MeterRegistry registry, LifecycleSettings settings) {
        return new LifecycleMetrics(registry, settings.expiryLeadTimes());
    }

    @Singleton
    LifecycleService lifecycleService(LifecycleView view, StateLog log, CommandSigner signer, AccessAudit audit,
                                      LifecycleSettings settings, Clock clock) {
        return new LifecycleService(view, log, signer, audit, settings, clock);
    }

    /** The seed secrets of {@code rekey.lifecycle.seed-file}, checked at start-up. */
    @Context
    @Singleton
    Seeds seeds(@Nullable @Value("${rekey.lifecycle.seed-file:}") String seedFile, JsonMapper json,
                LifecycleSettings settings, Clock clock) {
        if (seedFile == null || seedFile.isBlank()) {
            return Seeds.none();
        }
        String setting = "rekey.lifecycle.seed-file (REKEY_LIFECYCLE_SEED_FILE) " + seedFile;
        List<Map<String, Object>> raw;
        try {
            raw = json.readValue(Files.readAllBytes(Path.of(seedFile.trim())),
                    Argument.listOf(Argument.mapOf(String.class, Object.class)));
        } catch (IOException | RuntimeException e) {
            throw new IllegalStateException(setting + " is not a readable JSON array of registrations: " + e.getClass().getSimpleName());
        }
        return Seeds.of(raw, settings.limits(), clock.instant(), setting);
    }

    @Singleton
    TimeDrivenActions timeDrivenActions(LifecycleView view, StateLog log, Ownership ownership, CommandSigner signer,
                                        LifecycleSettings settings, LifecycleMetrics metrics, Clock clock) {
        return new TimeDrivenActions(view, log, ownership::owned, signer, settings, metrics, clock);
    }
}
