package io.rekey.audit.stream;

import org.apache.kafka.streams.processor.api.FixedKeyProcessor;
import org.apache.kafka.streams.processor.api.FixedKeyProcessorContext;
import org.apache.kafka.streams.processor.api.FixedKeyRecord;

import java.time.Clock;

/**
 * Gives a grant notice read back from its repartition topic the current time before it reaches the detectors, so the
 * changelog writes that follow carry processing time, like everything else this stream writes. Why that matters: the
 * broker expires a producer's state by the timestamps of what it wrote (producer.id.expiration.ms, a day by
 * default), and under transactions v2 the next batch after an expiry fails with OutOfOrderSequenceException, so
 * catching up on weeks of history with event timestamps would wedge the task. The notice itself must keep its grant
 * time as record timestamp (Kafka Streams reads repartition topics by record timestamp, and stream time must stay
 * event time); forwarding with a new timestamp does not change stream time.
 */
final class Restamp<V> implements FixedKeyProcessor<String, V, V> {

    private final Clock clock;
    private FixedKeyProcessorContext<String, V> context;

    Restamp(Clock clock) {
        this.clock = clock;
    }

    @Override
    public void init(FixedKeyProcessorContext<String, V> context) {
        this.context = context;
    }

    @Override
    public void process(FixedKeyRecord<String, V> record) {
        context.forward(record.withTimestamp(clock.millis()));
    }
}
