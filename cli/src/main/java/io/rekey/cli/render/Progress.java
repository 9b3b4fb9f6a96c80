package io.rekey.cli.render;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Objects;

/**
 * Live progress of a mass rotation: done, failed and in flight out of the total, rate and elapsed time. On a
 * terminal it redraws one line with a bar; anywhere else (a pipe, a CI log) it prints a plain line whenever the
 * counts change, at most once per {@code quietPeriod}, so the output stays readable.
 */
public final class Progress {

    private static final int BAR_WIDTH = 30;

    private final PrintWriter out;
    private final boolean terminal;
    private final int total;
    private final Duration quietPeriod;
    private String lastPrinted = "";
    private long lastPlainAt = Long.MIN_VALUE;

    public Progress(PrintWriter out, boolean terminal, int total, Duration quietPeriod) {
        this.out = Objects.requireNonNull(out, "out must not be null");
        this.terminal = terminal;
        this.total = total;
        this.quietPeriod = quietPeriod;
    }

    /** Shows the current counts; {@code elapsed} since the start. */
    public void update(int done, int failed, int inFlight, Duration elapsed, boolean force) {
        String counts = String.format("%d/%d done, %d failed, %d in flight", done, total, failed, inFlight);
        double seconds = Math.max(elapsed.toMillis(), 1) / 1000.0;
        String rate = String.format("%.1f/s", (done + failed) / seconds);
        String time = clock(elapsed);
        if (terminal) {
            int finished = done + failed;
            int filled = total == 0 ? BAR_WIDTH : (int) Math.round(BAR_WIDTH * (double) finished / total);
            String bar = "#".repeat(filled) + "-".repeat(BAR_WIDTH - filled);
            out.print("\r[" + bar + "] " + counts + "  " + rate + "  " + time + "  ");
            out.flush();
            return;
        }
        long now = System.nanoTime();
        boolean changed = !counts.equals(lastPrinted);
        if (force || (changed && (lastPlainAt == Long.MIN_VALUE || now - lastPlainAt >= quietPeriod.toNanos()))) {
            out.println("progress: " + counts + ", " + rate + ", elapsed " + time);
            out.flush();
            lastPrinted = counts;
            lastPlainAt = now;
        }
    }

    /** Ends the progress display (a newline after the redrawn terminal line). */
    public void finish() {
        if (terminal) {
            out.println();
            out.flush();
        }
    }

    static String clock(Duration elapsed) {
        long s = elapsed.toSeconds();
        return String.format("%02d:%02d:%02d", s / 3600, (s / 60) % 60, s % 60);
    }
}
