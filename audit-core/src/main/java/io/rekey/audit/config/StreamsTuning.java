package io.rekey.audit.config;

import java.time.Duration;
import java.util.Objects;

/**
 * Kafka Streams runtime settings the operator may tune; the reasons for the defaults are in
 * {@link io.rekey.audit.stream.AuditStreamsConfig}.
 *
 * @param stateDir          local state directory; {@code null} keeps Kafka's default
 * @param replicationFactor replication of internal topics; -1 takes the broker's default
 */
public record StreamsTuning(int threads, String stateDir, Duration commitInterval, long cacheMaxBytes,
                            int replicationFactor, int standbyReplicas) {

    public StreamsTuning {
        Objects.requireNonNull(commitInterval, "commitInterval must not be null");
    }
}
