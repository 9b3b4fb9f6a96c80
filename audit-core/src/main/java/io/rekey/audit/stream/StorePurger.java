package io.rekey.audit.stream;

import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * Deletes stale entries of a key-value store a slice at a time: each call scans at most {@link #SLICE} entries from
 * where the last one stopped, so a store of millions of entries is swept over many punctuations instead of one
 * long pause. The cursor lives in memory; after a restart the sweep starts again from the first key.
 */
final class StorePurger<V> {

    static final int SLICE = 10_000;

    private final KeyValueStore<String, V> store;
    private String cursor;

    StorePurger(KeyValueStore<String, V> store) {
        this.store = store;
    }

    /** @return the keys deleted */
    List<String> purge(Predicate<V> stale) {
        List<String> doomed = new ArrayList<>();
        int scanned = 0;
        String next = null;
        try (KeyValueIterator<String, V> entries = store.range(cursor, null)) {
            while (entries.hasNext()) {
                var entry = entries.next();
                if (scanned == SLICE) {
                    next = entry.key;
                    break;
                }
                scanned++;
                if (entry.value != null && stale.test(entry.value)) {
                    doomed.add(entry.key);
                }
            }
        }
        // Deleted after the iterator is closed: the cache layer must not change under an open iterator.
        doomed.forEach(store::delete);
        cursor = next;
        return doomed;
    }
}
