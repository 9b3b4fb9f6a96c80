package io.rekey.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/** Latency figures of a sample. */
public record Stats(int count, Duration p50, Duration p99, Duration max, Duration mean) {

    public static Stats of(List<Duration> sample) {
        if (sample.isEmpty()) {
            throw new IllegalArgumentException("no measurements");
        }
        List<Duration> sorted = new ArrayList<>(sample);
        Collections.sort(sorted);
        long totalNanos = sorted.stream().mapToLong(Duration::toNanos).sum();
        return new Stats(sorted.size(), percentile(sorted, 50), percentile(sorted, 99), sorted.get(sorted.size() - 1),
                Duration.ofNanos(totalNanos / sorted.size()));
    }

    /** Nearest-rank percentile. */
    static Duration percentile(List<Duration> sorted, int p) {
        int rank = (int) Math.ceil(p / 100.0 * sorted.size());
        return sorted.get(Math.max(0, rank - 1));
    }

    public static String ms(Duration d) {
        return String.format("%.1f ms", d.toNanos() / 1_000_000.0);
    }

    @Override
    public String toString() {
        return "n=" + count + " p50=" + ms(p50) + " p99=" + ms(p99) + " max=" + ms(max) + " mean=" + ms(mean);
    }
}
