package io.rekey.lifecycle.kafka;

import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A consumer that runs on its own daemon thread until closed: start, stop (waking the consumer from its poll),
 * and backoff waits that a stop cuts short.
 */
abstract class ConsumerLoop implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ConsumerLoop.class);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final Thread thread;
    private final CountDownLatch stopRequested = new CountDownLatch(1);
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile KafkaConsumer<?, ?> consumer;

    ConsumerLoop(String threadName) {
        this.thread = new Thread(this::runUntilStopped, threadName);
        this.thread.setDaemon(true);
    }

    public final void start() {
        thread.start();
    }

    /** The loop's body; returns when {@link #running()} turns false (or throws to end the thread). */
    protected abstract void run();

    protected final boolean running() {
        return stopRequested.getCount() > 0;
    }

    /** The consumer a stop must wake. */
    protected final void current(KafkaConsumer<?, ?> c) {
        consumer = c;
    }

    /** Waits before a retry unless the loop is stopping; returns the next, longer backoff. */
    protected final Duration pause(Duration backoff) {
        try {
            stopRequested.await(backoff.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            stopRequested.countDown();
        }
        Duration next = backoff.multipliedBy(2);
        return next.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : next;
    }

    private void runUntilStopped() {
        try {
            run();
        } finally {
            stopped.countDown();
        }
    }

    @Override
    public void close() {
        stopRequested.countDown();
        KafkaConsumer<?, ?> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        try {
            if (thread.isAlive() && !stopped.await(10, TimeUnit.SECONDS)) {
                LOG.warn("{} did not stop within 10 s", thread.getName());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
