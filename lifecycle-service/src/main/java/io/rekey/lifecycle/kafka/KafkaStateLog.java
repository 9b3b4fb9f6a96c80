package io.rekey.lifecycle.kafka;

import io.rekey.lifecycle.app.LifecycleException;
import io.rekey.lifecycle.app.StateLog;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.ListOffsetsResult;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@link StateLog} on Kafka: transactional writes, and the end of committed records from the admin client. */
public final class KafkaStateLog implements StateLog {

    private final LogWriter writer;
    private final Admin admin;

    public KafkaStateLog(LogWriter writer, Admin admin) {
        this.writer = writer;
        this.admin = admin;
    }

    @Override
    public Map<TopicPartition, Long> write(List<ProducerRecord<String, SpecificRecord>> records) {
        try {
            return writer.write(records);
        } catch (LogWriter.WriteFailedException e) {
            throw new LifecycleException.Unavailable(e.getMessage() + "; nothing was changed");
        }
    }

    @Override
    public Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, OffsetSpec> request = new HashMap<>();
        partitions.forEach(tp -> request.put(tp, OffsetSpec.latest()));
        try {
            Map<TopicPartition, ListOffsetsResult.ListOffsetsResultInfo> result = admin.listOffsets(request,
                    new ListOffsetsOptions(IsolationLevel.READ_COMMITTED).timeoutMs(5_000)).all().get(6, TimeUnit.SECONDS);
            Map<TopicPartition, Long> end = new HashMap<>();
            result.forEach((tp, info) -> end.put(tp, info.offset()));
            return end;
        } catch (ExecutionException | TimeoutException e) {
            throw new LifecycleException.Unavailable("Kafka did not say where its log ends: "
                    + (e.getCause() == null ? e.toString() : e.getCause().getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new LifecycleException.Unavailable("interrupted");
        }
    }
}
