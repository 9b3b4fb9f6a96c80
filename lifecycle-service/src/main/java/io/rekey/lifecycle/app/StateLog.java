package io.rekey.lifecycle.app;

import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/** Where the service's state lives: the Kafka log it writes atomically and whose end it can ask for. */
public interface StateLog {

    /**
     * Writes the records atomically; returns, per partition written, the offset just after the last record.
     *
     * @throws LifecycleException.Unavailable when nothing was written
     */
    Map<TopicPartition, Long> write(List<ProducerRecord<String, SpecificRecord>> records);

    /**
     * The current end of committed records of the partitions.
     *
     * @throws LifecycleException.Unavailable when Kafka does not answer
     */
    Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions);
}
