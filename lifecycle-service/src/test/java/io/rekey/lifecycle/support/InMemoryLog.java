package io.rekey.lifecycle.support;

import io.rekey.lifecycle.app.SecretPartitions;
import io.rekey.lifecycle.app.StateLog;
import io.rekey.lifecycle.kafka.RecordRouter;
import io.rekey.lifecycle.view.LifecycleView;
import io.rekey.schema.topic.Topics;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The log as a list, for unit tests of the application layer: writes are appended with offsets per partition and
 * applied to the attached view, as the log tailer would; {@link #replayInto} rebuilds a fresh view as a restart does.
 */
public final class InMemoryLog implements StateLog {

    /** One appended record. */
    public record Entry(TopicPartition partition, long offset, String key, SpecificRecord value) {
    }

    private final List<Entry> entries = new ArrayList<>();
    private final Map<TopicPartition, Long> next = new HashMap<>();
    private LifecycleView view;

    public InMemoryLog attach(LifecycleView v) {
        this.view = v;
        return this;
    }

    @Override
    public synchronized Map<TopicPartition, Long> write(List<ProducerRecord<String, SpecificRecord>> records) {
        Map<TopicPartition, Long> written = new HashMap<>();
        for (ProducerRecord<String, SpecificRecord> r : records) {
            int partition = r.topic().equals(Topics.CONTROL.name()) ? 0 : SecretPartitions.of(r.key());
            TopicPartition tp = new TopicPartition(r.topic(), partition);
            long offset = next.merge(tp, 1L, Long::sum) - 1;
            Entry entry = new Entry(tp, offset, r.key(), r.value());
            entries.add(entry);
            apply(view, entry);
            written.put(tp, offset + 1);
        }
        return written;
    }

    /** Appends a record as another service would (the worker, the CLI). */
    public void append(String topic, String key, SpecificRecord value) {
        write(List.of(new ProducerRecord<>(topic, key, value)));
    }

    @Override
    public synchronized Map<TopicPartition, Long> endOffsets(Collection<TopicPartition> partitions) {
        Map<TopicPartition, Long> end = new HashMap<>();
        partitions.forEach(tp -> end.put(tp, next.getOrDefault(tp, 0L)));
        return end;
    }

    /** Every record written to {@code topic}. */
    public synchronized List<Entry> on(String topic) {
        return entries.stream().filter(e -> e.partition().topic().equals(topic)).toList();
    }

    /** Reads the whole log into a new view, as an instance does when it starts. */
    public synchronized LifecycleView replayInto(LifecycleView fresh) {
        entries.forEach(e -> apply(fresh, e));
        fresh.markCaughtUp();
        return fresh;
    }

    private static void apply(LifecycleView v, Entry e) {
        if (v == null) {
            return;
        }
        Optional<String> refusal = new RecordRouter(v).route(e.partition().topic(), e.key(), e.partition().partition(), e.value());
        if (refusal.isPresent()) {
            throw new IllegalStateException("the service wrote a record it refuses itself: " + refusal.get());
        }
        v.advance(e.partition(), e.offset() + 1);
    }
}
