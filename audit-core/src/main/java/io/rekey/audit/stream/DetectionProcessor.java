package io.rekey.audit.stream;

import io.rekey.audit.AuditMetrics;
import io.rekey.audit.config.AuditConfig;
import io.rekey.audit.detect.DetectorEngine;
import io.rekey.audit.detect.GrantNotice;
import io.rekey.audit.detect.Lookups;
import io.rekey.audit.detect.PrincipalState;
import io.rekey.schema.AccessEvent;
import io.rekey.schema.Anomaly;
import io.rekey.schema.DeadLetter;
import io.rekey.schema.serde.DeadLetters;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueStore;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the detectors for the principals of one task: one state read and one write per event, every detector in the
 * same pass. Emits an anomaly as soon as a finding survives noise control (emit on update, not on window close: an
 * alert ten minutes late is worth little; the cool-down, not window suppression, keeps repeats down).
 */
final class DetectionProcessor implements Processor<String, Object, String, Object>, Lookups {

    static final String PRINCIPAL_STORE = "principal-state";
    static final String PAIR_STORE = "principal-secret-pairs";
    static final String TAG_STORE = "secret-tags";
    /** Separates principal and secret in a pair key; ids never contain it. */
    private static final char PAIR_SEPARATOR = '\u0000';
    static final Duration PURGE_EVERY = Duration.ofMinutes(10);
    /** Principals whose decoded state is kept between events: a few MB at most. */
    static final int HOT_PRINCIPALS = 4096;
    private static final Logger LOG = LoggerFactory.getLogger(DetectionProcessor.class);

    private final AuditConfig config;
    private final Clock clock;
    private final AuditMetrics metrics;
    private final List<Anomaly> found = new ArrayList<>(4);
    /**
     * The deserialised state of recently active principals. Every update is still written to the store (and so to
     * its changelog) at once; this only spares decoding it again on the next event of a busy principal. Cleared
     * whenever the processor is (re)initialised, so it can never outlive a restore of the store.
     */
    private final Map<String, PrincipalState> hot = new LinkedHashMap<>(1024, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, PrincipalState> eldest) {
            return size() > HOT_PRINCIPALS;
        }
    };
    private ProcessorContext<String, Object> context;
    private String consumer;
    private KeyValueStore<String, PrincipalState> principals;
    private KeyValueStore<String, Long> pairs;
    private KeyValueStore<String, byte[]> tags;
    private DetectorEngine engine;
    private StorePurger<PrincipalState> principalPurger;
    private StorePurger<Long> pairPurger;

    DetectionProcessor(AuditConfig config, Clock clock, AuditMetrics metrics) {
        this.config = config;
        this.clock = clock;
        this.metrics = metrics;
    }

    @Override
    public void init(ProcessorContext<String, Object> context) {
        hot.clear();
        this.context = context;
        this.consumer = context.applicationId();
        principals = context.getStateStore(PRINCIPAL_STORE);
        pairs = context.getStateStore(PAIR_STORE);
        tags = context.getStateStore(TAG_STORE);
        engine = new DetectorEngine(config, this, clock, metrics);
        principalPurger = new StorePurger<>(principals);
        pairPurger = new StorePurger<>(pairs);
        // Housekeeping on the wall clock, so catching up on months of history does not sweep at every step of
        // stream time; staleness itself is judged in stream time. A slice at a time, so no sweep stalls the task.
        context.schedule(PURGE_EVERY, PunctuationType.WALL_CLOCK_TIME, now -> {
            long streamTime = context.currentStreamTimeMs();
            principalPurger.purge(state -> engine.isStale(state, streamTime)).forEach(hot::remove);
            pairPurger.purge(lastSeen -> engine.isPairStale(lastSeen, streamTime));
        });
    }

    @Override
    public void process(Record<String, Object> record) {
        found.clear();
        String principal;
        if (record.value() instanceof AccessEvent event) {
            principal = event.getPrincipalId();
        } else if (record.value() instanceof GrantNotice notice) {
            principal = notice.grantee();
        } else {
            return;
        }
        PrincipalState state = load(principal);
        try {
            if (record.value() instanceof AccessEvent event) {
                engine.onAccess(event, event.getOccurredAt().toEpochMilli(), state, found);
            } else {
                engine.onNotice((GrantNotice) record.value(), state, found);
            }
        } catch (KafkaException e) {
            throw e;
        } catch (RuntimeException e) {
            // A bug meeting an odd event must not become a poison pill that stops the task forever. The event is
            // already in the audit log; the dead letter says what failed. The stored state is left as it was.
            hot.remove(principal);
            poison(record, e);
            return;
        }
        principals.put(principal, state);
        for (Anomaly anomaly : found) {
            // Timestamped when detected: retention counts from then, and nothing this stream writes is old (see Restamp).
            context.forward(new Record<>(anomaly.getPrincipalId(), anomaly, clock.millis()));
        }
    }

    private void poison(Record<String, Object> record, RuntimeException e) {
        String id = record.value() instanceof AccessEvent event ? event.getId() : ((GrantNotice) record.value()).grantEventId();
        LOG.error("detectors failed on event {}; dead-lettered and skipped", id, e);
        RecordMetadata source = context.recordMetadata().orElseThrow();
        DeadLetter letter = DeadLetters.of(new DeadLetters.Source(source.topic(), source.partition(), source.offset(), null),
                consumer, record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8), null,
                "detectors failed on event " + id + ": " + e, e.getClass().getName(), clock.instant());
        context.forward(new Record<>(record.key(), letter, clock.millis()));
        metrics.deadLettered(AuditMetrics.DeadLetterReason.INVALID);
    }

    private PrincipalState load(String principal) {
        PrincipalState state = hot.get(principal);
        if (state == null) {
            state = principals.get(principal);
            if (state == null) {
                state = engine.newState();
            }
            hot.put(principal, state);
        }
        return state;
    }

    @Override
    public void close() {
        hot.clear();
    }

    @Override
    public long pairLastSeen(String principalId, String secretId) {
        Long lastSeen = pairs.get(principalId + PAIR_SEPARATOR + secretId);
        return lastSeen == null ? PrincipalState.NONE : lastSeen;
    }

    @Override
    public void pairSeen(String principalId, String secretId, long time) {
        pairs.put(principalId + PAIR_SEPARATOR + secretId, time);
    }

    @Override
    public boolean isHoneytoken(String secretId) {
        return tags.get(secretId) != null;
    }
}
