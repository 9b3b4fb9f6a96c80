package io.rekey.lifecycle.runtime;

import io.micronaut.context.event.StartupEvent;
import io.micronaut.runtime.event.annotation.EventListener;
import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.app.LifecycleService;
import io.rekey.lifecycle.app.Seeds;
import io.rekey.lifecycle.app.TimeDrivenActions;
import io.rekey.lifecycle.config.LifecycleSettings;
import io.rekey.lifecycle.kafka.LogTailer;
import io.rekey.lifecycle.kafka.LogWriter;
import io.rekey.lifecycle.kafka.Ownership;
import io.rekey.lifecycle.view.LifecycleView;
import jakarta.annotation.PreDestroy;
import jakarta.inject.Singleton;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Starts the log tailer and the scheduler group membership once the context (and its validation) is up, then runs
 * the time-driven work every {@code rekey.lifecycle.tick-interval}, on one thread, one run at a time; the seed
 * secrets are registered on the first run after the view has read the log.
 */
@Singleton
public class Ticker {

    private static final Logger LOG = LoggerFactory.getLogger(Ticker.class);

    private final TimeDrivenActions actions;
    private final LifecycleSettings settings;
    private final LogTailer tailer;
    private final Ownership ownership;
    private final LogWriter writer;
    private final Seeds seeds;
    private final LifecycleService service;
    private final LifecycleView view;
    private final Clock clock;
    private volatile boolean seeded;
    private final ScheduledExecutorService executor = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lifecycle-ticker");
        t.setDaemon(true);
        return t;
    });

    public Ticker(TimeDrivenActions actions, LifecycleSettings settings, LogTailer tailer, Ownership ownership, LogWriter writer,
                  Seeds seeds, LifecycleService service, LifecycleView view, Clock clock) {
        this.writer = writer;
        this.actions = actions;
        this.settings = settings;
        this.tailer = tailer;
        this.ownership = ownership;
        this.seeds = seeds;
        this.service = service;
        this.view = view;
        this.clock = clock;
    }

    @EventListener
    void onStartup(StartupEvent event) {
        tailer.start();
        ownership.start();
        executor.execute(writer::prepare);
        long every = settings.tickInterval().toMillis();
        executor.scheduleWithFixedDelay(() -> {
            try {
                seedOnce();
                actions.run();
            } catch (RuntimeException e) {
                LOG.error("time-driven work failed; next run in {} ms", every, e);
            }
        }, Math.min(every, 1_000), every, TimeUnit.MILLISECONDS);
    }

    /** Registers the seed secrets once the view has read the log, so it knows which exist. */
    private void seedOnce() {
        if (seeded || !view.caughtUp()) {
            return;
        }
        try {
            int registered = seeds.apply(service, clock.instant());
            if (seeds.size() > 0) {
                LOG.info("seed secrets: {} registered now, {} were already registered", registered, seeds.size() - registered);
            }
            seeded = true;
        } catch (LifecycleException e) {
            LOG.warn("seed secrets not registered yet ({}); retrying", e.getMessage());
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        executor.shutdownNow();
        executor.awaitTermination(10, TimeUnit.SECONDS);
    }
}
