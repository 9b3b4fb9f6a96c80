package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import org.apache.kafka.streams.KafkaStreams;

import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;

/**
 * Runs an audit stream described by an {@link ItSupport} properties file in its own JVM, so a test can kill it the hard
 * way (SIGKILL: no close, no commit, an open transaction left behind). Prints RUNNING once the stream runs.
 */
public final class StreamsChild {

    private StreamsChild() {
    }

    public static void main(String[] args) throws InterruptedException {
        Properties p = ItSupport.load(Path.of(args[0]));
        KafkaStreams streams = ItSupport.streams(p, AuditMetrics.NONE);
        streams.setStateListener((now, before) -> {
            if (now == KafkaStreams.State.RUNNING) {
                System.out.println("RUNNING");
                System.out.flush();
            }
        });
        streams.start();
        new CountDownLatch(1).await();
    }
}
