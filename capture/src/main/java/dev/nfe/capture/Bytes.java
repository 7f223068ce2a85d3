package dev.nfe.capture;

import java.util.Arrays;

/**
 * An immutable run of bytes (in the spirit of Okio's ByteString). Segments copy their payload
 * out of the reader's buffer exactly once, into a {@code Bytes}; nothing downstream can change it.
 * {@link #toString()} prints hex.
 */
public final class Bytes {
    public static final Bytes EMPTY = new Bytes(new byte[0], 0, 0);
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private final byte[] data;
    private final int offset;
    private final int length;

    private Bytes(byte[] data, int offset, int length) {
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** Copies {@code len} bytes of {@code src} from {@code off}. */
    public static Bytes copyOf(byte[] src, int off, int len) {
        if (len == 0) {
            return EMPTY;
        }
        return new Bytes(Arrays.copyOfRange(src, off, off + len), 0, len);
    }

    /**
     * Wraps {@code len} bytes of {@code data} from {@code off} without copying. The caller hands
     * the array over: nothing may ever write to it again (a reader that allocates a fresh array
     * for every refill can promise that, see {@code FrameSource.stableBuffers()}).
     */
    public static Bytes viewOf(byte[] data, int off, int len) {
        java.util.Objects.checkFromIndexSize(off, len, data.length);
        if (len == 0) {
            return EMPTY;
        }
        return new Bytes(data, off, len);
    }

    /**
     * These bytes in an array of their own when they are a small view of a much larger one, so
     * that keeping them (say, out of order in a reassembly buffer) does not keep the large array
     * alive; otherwise this.
     */
    public Bytes compact() {
        if (data.length <= 2 * length + 64) {
            return this;
        }
        return new Bytes(Arrays.copyOfRange(data, offset, offset + length), 0, length);
    }

    public static Bytes copyOf(byte[] src) {
        return copyOf(src, 0, src.length);
    }

    public static Bytes fromHex(String hex) {
        String h = hex.replaceAll("[\\s:]", "");
        if ((h.length() & 1) != 0) {
            throw new IllegalArgumentException("odd number of hex digits");
        }
        byte[] out = new byte[h.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(h, 2 * i, 2 * i + 2, 16);
        }
        return new Bytes(out, 0, out.length);
    }

    public int length() {
        return length;
    }

    public boolean isEmpty() {
        return length == 0;
    }

    /** The byte at {@code i} as an unsigned value 0..255. */
    public int get(int i) {
        if (i < 0 || i >= length) {
            throw new IndexOutOfBoundsException(i);
        }
        return data[offset + i] & 0xff;
    }

    /** A view of {@code len} bytes from {@code from}, sharing storage (still immutable). */
    public Bytes slice(int from, int len) {
        java.util.Objects.checkFromIndexSize(from, len, length);
        if (len == 0) {
            return EMPTY;
        }
        return new Bytes(data, offset + from, len);
    }

    /** Copies {@code len} bytes starting at {@code from} into {@code dst} at {@code dstOff}. */
    public void copyTo(int from, byte[] dst, int dstOff, int len) {
        java.util.Objects.checkFromIndexSize(from, len, length);
        System.arraycopy(data, offset + from, dst, dstOff, len);
    }

    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /**
     * Hands the backing array to a reader without copying. The reader must not modify it;
     * this exists so hot decoders can read in place.
     */
    public void read(Reader reader) {
        reader.read(data, offset, length);
    }

    /** Read-only access to the backing array: {@code buf[off .. off+len)}. */
    @FunctionalInterface
    public interface Reader {
        void read(byte[] buf, int off, int len);
    }

    public String hex() {
        char[] out = new char[length * 2];
        for (int i = 0; i < length; i++) {
            int v = data[offset + i] & 0xff;
            out[2 * i] = HEX[v >>> 4];
            out[2 * i + 1] = HEX[v & 0xf];
        }
        return new String(out);
    }

    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Bytes b) || b.length != length) {
            return false;
        }
        return Arrays.equals(data, offset, offset + length, b.data, b.offset, b.offset + length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = 0; i < length; i++) {
            h = 31 * h + data[offset + i];
        }
        return h;
    }

    @Override
    public String toString() {
        return length <= 64 ? "[hex=" + hex() + "]" : "[size=" + length + " hex=" + slice(0, 64).hex() + "…]";
    }
}
