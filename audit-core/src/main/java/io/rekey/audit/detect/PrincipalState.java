package io.rekey.audit.detect;

import io.rekey.audit.config.AuditConfig;
import io.rekey.schema.AnomalyType;

import java.time.Duration;
import java.util.Arrays;

/**
 * What the detectors remember about one principal, kept small because it is read, updated and written back for
 * every event: capped lists of recent reads, failures, source addresses, countries and grants, a learned
 * hour-of-week activity bitmap, and the cool-down of each anomaly type. Event times are epoch milliseconds.
 */
public final class PrincipalState {

    /** "Never" for a time field. */
    public static final long NONE = Long.MIN_VALUE;

    /** The learned baseline forgets an hour of the week after one to two of these periods without activity in it. */
    static final long BASELINE_PERIOD_MS = Duration.ofDays(28).toMillis();
    private static final int HOURS_OF_WEEK = 168;
    private static final int TYPES = AnomalyType.values().length;
    private static final int VERSION = 1;

    /** Sizes of the capped lists, derived from the thresholds so that they are exact for firing. */
    public record Capacities(int reads, int failures, int ips, int countries, int grants) {
        public static Capacities of(AuditConfig config) {
            int reads = Math.max(config.detector(AnomalyType.EXCESSIVE_ACCESS).threshold(),
                    config.detector(AnomalyType.SUSPICIOUS_PATTERN).threshold());
            return new Capacities(Math.max(8, 2 * reads),
                    Math.max(4, 2 * config.detector(AnomalyType.FAILED_ATTEMPTS).threshold()),
                    Math.max(4, 2 * config.detector(AnomalyType.CONCURRENT_ACCESS).threshold()), 16, 16);
        }
    }

    long firstSeen = NONE;
    long lastSeen = NONE;
    int events;
    long lastListAt = NONE;
    String lastListEventId;
    final Recent reads;
    final Recent failures;
    final Recent ips;
    final Recent countries;
    /** Grants to this principal that would be an escalation if used: key secretId, extra the granting principal. */
    final Recent grants;
    /** Hours of the week with activity: [0..2] this baseline period, [3..5] the one before. */
    final long[] hours = new long[6];
    long hoursPeriod = NONE;
    final long[] lastEmitted = new long[TYPES];
    final int[] suppressed = new int[TYPES];
    /** Size of the last serialised form, so the next one is written into a buffer of the right size. */
    private int lastSize = 256;

    public PrincipalState(Capacities capacities) {
        reads = new Recent(capacities.reads());
        failures = new Recent(capacities.failures());
        ips = new Recent(capacities.ips());
        countries = new Recent(capacities.countries());
        grants = new Recent(capacities.grants());
        Arrays.fill(lastEmitted, NONE);
    }

    /** Event time of the principal's first accepted event, or {@link #NONE}. */
    public long firstSeen() {
        return firstSeen;
    }

    /** Latest event time seen for the principal, or {@link #NONE}. */
    public long lastSeen() {
        return lastSeen;
    }

    static int hourOfWeek(long epochMillis) {
        // 1970-01-01T00:00Z was a Thursday, hour 72 of a week that starts on Monday.
        return Math.floorMod(Math.floorDiv(epochMillis, 3_600_000L) + 72, HOURS_OF_WEEK);
    }

    void markHour(long t) {
        long period = Math.floorDiv(t, BASELINE_PERIOD_MS);
        int offset;
        if (hoursPeriod == NONE || period > hoursPeriod + 1) {
            Arrays.fill(hours, 0);
            hoursPeriod = period;
            offset = 0;
        } else if (period == hoursPeriod + 1) {
            System.arraycopy(hours, 0, hours, 3, 3);
            Arrays.fill(hours, 0, 3, 0);
            hoursPeriod = period;
            offset = 0;
        } else if (period == hoursPeriod) {
            offset = 0;
        } else if (period == hoursPeriod - 1) {
            offset = 3;
        } else {
            return;
        }
        int h = hourOfWeek(t);
        hours[offset + h / 64] |= 1L << (h % 64);
    }

    /** Whether the principal was active within {@code tolerance} hours of this hour of the week recently. */
    boolean usualHour(long t, int tolerance) {
        int h = hourOfWeek(t);
        for (int d = -tolerance; d <= tolerance; d++) {
            int hour = Math.floorMod(h + d, HOURS_OF_WEEK);
            long bit = 1L << (hour % 64);
            if ((hours[hour / 64] & bit) != 0 || (hours[3 + hour / 64] & bit) != 0) {
                return true;
            }
        }
        return false;
    }

    public byte[] toBytes() {
        Binary.Writer out = new Binary.Writer(lastSize + 64);
        out.writeByte(VERSION).writeLong(firstSeen).writeLong(lastSeen).writeInt(events)
                .writeLong(lastListAt).writeString(lastListEventId);
        reads.write(out);
        failures.write(out);
        ips.write(out);
        countries.write(out);
        grants.write(out);
        out.writeLong(hoursPeriod);
        for (long bits : hours) {
            out.writeLong(bits);
        }
        int emitted = 0;
        for (long at : lastEmitted) {
            emitted += at == NONE ? 0 : 1;
        }
        out.writeByte(emitted);
        for (int type = 0; type < TYPES; type++) {
            if (lastEmitted[type] != NONE) {
                out.writeByte(type).writeLong(lastEmitted[type]).writeInt(suppressed[type]);
            }
        }
        byte[] bytes = out.toByteArray();
        lastSize = bytes.length;
        return bytes;
    }

    public static PrincipalState fromBytes(byte[] bytes, Capacities capacities) {
        Binary.Reader in = new Binary.Reader(bytes);
        int version = in.readByte();
        if (version != VERSION) {
            throw new IllegalStateException("principal state version " + version + " is not supported (expected " + VERSION + ")");
        }
        PrincipalState state = new PrincipalState(capacities);
        state.lastSize = bytes.length;
        state.firstSeen = in.readLong();
        state.lastSeen = in.readLong();
        state.events = in.readInt();
        state.lastListAt = in.readLong();
        state.lastListEventId = in.readString();
        state.reads.read(in);
        state.failures.read(in);
        state.ips.read(in);
        state.countries.read(in);
        state.grants.read(in);
        state.hoursPeriod = in.readLong();
        for (int i = 0; i < state.hours.length; i++) {
            state.hours[i] = in.readLong();
        }
        int emitted = in.readByte();
        for (int i = 0; i < emitted; i++) {
            int type = in.readByte();
            long at = in.readLong();
            int count = in.readInt();
            if (type < TYPES) {
                state.lastEmitted[type] = at;
                state.suppressed[type] = count;
            }
        }
        return state;
    }
}
