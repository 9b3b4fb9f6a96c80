package io.rekey.audit.detect;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * A small, capped list of recent observations (a key such as a secret id or a source address, the event time, the
 * event id and one extra string), kept in parallel arrays. When full, the oldest entry goes: to know whether at
 * least N distinct keys fall in a sliding window it is enough to keep the N most recent, so a cap of twice the
 * threshold is exact for firing and bounds the state of a principal however busy it is.
 *
 * <p>Event ids are kept as two longs when they are UUIDs in canonical form (they nearly always are): half the bytes
 * to serialise for every event, and no string to build when reading the state back.
 */
public final class Recent {

    private final int capacity;
    private int size;
    private String[] keys;
    private long[] times;
    private byte[] idKinds;
    private long[] idHigh;
    private long[] idLow;
    private String[] idTexts;
    private String[] extras;

    private static final byte NO_ID = 0;
    private static final byte UUID_ID = 1;
    private static final byte TEXT_ID = 2;

    public Recent(int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity must be at least 1, was " + capacity);
        }
        this.capacity = capacity;
        int initial = Math.min(capacity, 4);
        keys = new String[initial];
        times = new long[initial];
        idKinds = new byte[initial];
        idHigh = new long[initial];
        idLow = new long[initial];
        idTexts = new String[initial];
        extras = new String[initial];
    }

    public int size() {
        return size;
    }

    public int capacity() {
        return capacity;
    }

    public String key(int i) {
        return keys[i];
    }

    public long time(int i) {
        return times[i];
    }

    public String eventId(int i) {
        return switch (idKinds[i]) {
            case UUID_ID -> new UUID(idHigh[i], idLow[i]).toString();
            case TEXT_ID -> idTexts[i];
            default -> null;
        };
    }

    public String extra(int i) {
        return extras[i];
    }

    /** Index of the entry with this key, or -1. */
    public int indexOf(String key) {
        for (int i = 0; i < size; i++) {
            if (Objects.equals(keys[i], key)) {
                return i;
            }
        }
        return -1;
    }

    /** Records the latest time a key was seen (one entry per key). */
    public void touch(String key, long time, String eventId, String extra) {
        int i = indexOf(key);
        if (i >= 0) {
            if (time >= times[i]) {
                times[i] = time;
                setId(i, eventId);
                extras[i] = extra;
            }
            return;
        }
        add(key, time, eventId, extra);
    }

    /** Appends an occurrence (several entries may share a key). */
    public void add(String key, long time, String eventId, String extra) {
        if (size == capacity) {
            int oldest = oldest();
            if (times[oldest] > time) {
                return;
            }
            remove(oldest);
        }
        if (size == keys.length) {
            int grown = Math.min(capacity, keys.length * 2);
            keys = Arrays.copyOf(keys, grown);
            times = Arrays.copyOf(times, grown);
            idKinds = Arrays.copyOf(idKinds, grown);
            idHigh = Arrays.copyOf(idHigh, grown);
            idLow = Arrays.copyOf(idLow, grown);
            idTexts = Arrays.copyOf(idTexts, grown);
            extras = Arrays.copyOf(extras, grown);
        }
        keys[size] = key;
        times[size] = time;
        setId(size, eventId);
        extras[size] = extra;
        size++;
    }

    /** Drops entries older than {@code before}. */
    public void prune(long before) {
        for (int i = size - 1; i >= 0; i--) {
            if (times[i] < before) {
                remove(i);
            }
        }
    }

    /** Entries with {@code from <= time <= to}. */
    public int countIn(long from, long to) {
        int n = 0;
        for (int i = 0; i < size; i++) {
            if (times[i] >= from && times[i] <= to) {
                n++;
            }
        }
        return n;
    }

    /** Distinct non-null keys of the entries in {@code [from, to]}, at most {@code limit}. */
    public List<String> keysIn(long from, long to, int limit) {
        Set<String> distinct = new LinkedHashSet<>();
        for (int i = 0; i < size && distinct.size() < limit; i++) {
            if (times[i] >= from && times[i] <= to && keys[i] != null) {
                distinct.add(keys[i]);
            }
        }
        return new ArrayList<>(distinct);
    }

    /** Event ids of the entries in {@code [from, to]}, most recent first, at most {@code limit}. */
    public List<String> eventIdsIn(long from, long to, int limit) {
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            if (times[i] >= from && times[i] <= to && idKinds[i] != NO_ID) {
                order.add(i);
            }
        }
        order.sort((a, b) -> Long.compare(times[b], times[a]));
        List<String> ids = new ArrayList<>(Math.min(limit, order.size()));
        for (int i = 0; i < order.size() && ids.size() < limit; i++) {
            ids.add(eventId(order.get(i)));
        }
        return ids;
    }

    private int oldest() {
        int oldest = 0;
        for (int i = 1; i < size; i++) {
            if (times[i] < times[oldest]) {
                oldest = i;
            }
        }
        return oldest;
    }

    private void remove(int i) {
        int last = size - 1;
        keys[i] = keys[last];
        times[i] = times[last];
        idKinds[i] = idKinds[last];
        idHigh[i] = idHigh[last];
        idLow[i] = idLow[last];
        idTexts[i] = idTexts[last];
        extras[i] = extras[last];
        keys[last] = null;
        idTexts[last] = null;
        extras[last] = null;
        size--;
    }

    private void setId(int i, String eventId) {
        idTexts[i] = null;
        if (eventId == null) {
            idKinds[i] = NO_ID;
        } else if (isCanonicalUuid(eventId)) {
            idKinds[i] = UUID_ID;
            idHigh[i] = hex(eventId, 0, 8) << 32 | hex(eventId, 9, 13) << 16 | hex(eventId, 14, 18);
            idLow[i] = hex(eventId, 19, 23) << 48 | hex(eventId, 24, 36);
        } else {
            idKinds[i] = TEXT_ID;
            idTexts[i] = eventId;
        }
    }

    /** 8-4-4-4-12 lower-case hex digits: exactly what {@link UUID#toString()} gives back. */
    static boolean isCanonicalUuid(String s) {
        if (s.length() != 36) {
            return false;
        }
        for (int i = 0; i < 36; i++) {
            char c = s.charAt(i);
            boolean dash = i == 8 || i == 13 || i == 18 || i == 23;
            if (dash ? c != '-' : !((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
                return false;
            }
        }
        return true;
    }

    private static long hex(String s, int from, int to) {
        long v = 0;
        for (int i = from; i < to; i++) {
            char c = s.charAt(i);
            v = v << 4 | (c <= '9' ? c - '0' : c - 'a' + 10);
        }
        return v;
    }

    void write(Binary.Writer out) {
        out.writeInt(size);
        for (int i = 0; i < size; i++) {
            out.writeString(keys[i]).writeLong(times[i]).writeByte(idKinds[i]);
            if (idKinds[i] == UUID_ID) {
                out.writeLong(idHigh[i]).writeLong(idLow[i]);
            } else if (idKinds[i] == TEXT_ID) {
                out.writeString(idTexts[i]);
            }
            out.writeString(extras[i]);
        }
    }

    void read(Binary.Reader in) {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String key = in.readString();
            long time = in.readLong();
            byte kind = (byte) in.readByte();
            long high = 0;
            long low = 0;
            String text = null;
            if (kind == UUID_ID) {
                high = in.readLong();
                low = in.readLong();
            } else if (kind == TEXT_ID) {
                text = in.readString();
            }
            String extra = in.readString();
            if (size == capacity) {
                // A smaller capacity than when written: keep the newest, as add() would.
                int oldest = oldest();
                if (times[oldest] > time) {
                    continue;
                }
                remove(oldest);
            }
            add(key, time, null, extra);
            int j = size - 1;
            idKinds[j] = kind;
            idHigh[j] = high;
            idLow[j] = low;
            idTexts[j] = text;
        }
    }
}
