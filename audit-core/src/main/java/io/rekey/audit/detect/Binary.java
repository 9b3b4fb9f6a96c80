package io.rekey.audit.detect;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Minimal binary encoding for state and internal topics: varint-free fixed-width numbers and length-prefixed UTF-8
 * strings (-1 for null). Hand-written because it runs for every event and must stay cheap and allocation-light;
 * a leading version byte lets the layout change later.
 */
public final class Binary {

    private Binary() {
    }

    /** Growable output buffer. */
    public static final class Writer {
        private byte[] buf;
        private int pos;

        public Writer(int initialCapacity) {
            buf = new byte[Math.max(16, initialCapacity)];
        }

        private void ensure(int more) {
            if (pos + more > buf.length) {
                buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + more));
            }
        }

        public Writer writeByte(int b) {
            ensure(1);
            buf[pos++] = (byte) b;
            return this;
        }

        public Writer writeInt(int v) {
            ensure(4);
            buf[pos++] = (byte) (v >>> 24);
            buf[pos++] = (byte) (v >>> 16);
            buf[pos++] = (byte) (v >>> 8);
            buf[pos++] = (byte) v;
            return this;
        }

        public Writer writeLong(long v) {
            writeInt((int) (v >>> 32));
            return writeInt((int) v);
        }

        public Writer writeString(String s) {
            if (s == null) {
                return writeInt(-1);
            }
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            writeInt(bytes.length);
            ensure(bytes.length);
            System.arraycopy(bytes, 0, buf, pos, bytes.length);
            pos += bytes.length;
            return this;
        }

        public byte[] toByteArray() {
            return Arrays.copyOf(buf, pos);
        }
    }

    /** Reader over a byte array; throws {@link IllegalStateException} on truncated input. */
    public static final class Reader {
        private final byte[] buf;
        private int pos;

        public Reader(byte[] buf) {
            this.buf = buf;
        }

        private void need(int n) {
            if (n < 0 || pos + n > buf.length) {
                throw new IllegalStateException("truncated binary value: need " + n + " bytes at " + pos + " of " + buf.length);
            }
        }

        public int readByte() {
            need(1);
            return buf[pos++];
        }

        public int readInt() {
            need(4);
            int v = ((buf[pos] & 0xff) << 24) | ((buf[pos + 1] & 0xff) << 16) | ((buf[pos + 2] & 0xff) << 8) | (buf[pos + 3] & 0xff);
            pos += 4;
            return v;
        }

        public long readLong() {
            return ((long) readInt() << 32) | (readInt() & 0xffffffffL);
        }

        public String readString() {
            int length = readInt();
            if (length == -1) {
                return null;
            }
            need(length);
            String s = new String(buf, pos, length, StandardCharsets.UTF_8);
            pos += length;
            return s;
        }
    }
}
