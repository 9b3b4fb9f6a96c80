package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.client.KafkaClients;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Builds the audit stream's {@link KafkaStreams}: the topology with registry-backed serdes, the settings of
 * {@link AuditStreamsConfig}, and an uncaught-exception policy. Plain Java; the service and the tests start it.
 */
public final class AuditStreams {

    private static final Logger LOG = LoggerFactory.getLogger(AuditStreams.class);

    private AuditStreams() {
    }

    public static KafkaStreams create(KafkaClients clients, AuditConfig config, Clock clock, AuditMetrics metrics) {
        KafkaStreams streams = new KafkaStreams(
                AuditTopology.build(config, AuditSerdes.registry(clients.registry().serdeConfig()), clock, metrics),
                AuditStreamsConfig.of(clients, config));
        streams.setUncaughtExceptionHandler(new ReplaceThenStop(clock, 5, Duration.ofMinutes(5)));
        return streams;
    }

    /**
     * A stream thread that dies (an unreachable registry, a broker outage outlasting the clients' retries) is
     * replaced, and under exactly-once resumes from its last commit. Failing again and again is not transient: after
     * {@code limit} failures within {@code period} the client shuts down, health goes DOWN, and whoever supervises
     * the process restarts it or calls a person.
     */
    static final class ReplaceThenStop implements StreamsUncaughtExceptionHandler {
        private final Clock clock;
        private final int limit;
        private final long period;
        private final Deque<Long> failures = new ArrayDeque<>();

        ReplaceThenStop(Clock clock, int limit, Duration period) {
            this.clock = clock;
            this.limit = limit;
            this.period = period.toMillis();
        }

        @Override
        public synchronized StreamThreadExceptionResponse handle(Throwable exception) {
            long now = clock.millis();
            failures.addLast(now);
            while (!failures.isEmpty() && failures.peekFirst() < now - period) {
                failures.removeFirst();
            }
            if (failures.size() > limit) {
                LOG.error("stream thread failed {} times within {}; shutting the audit stream down", failures.size(),
                        Duration.ofMillis(period), exception);
                return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
            }
            LOG.warn("stream thread failed; replacing it", exception);
            return StreamThreadExceptionResponse.REPLACE_THREAD;
        }
    }
}
