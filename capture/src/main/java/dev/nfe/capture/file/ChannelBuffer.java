package dev.nfe.capture.file;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;

/**
 * A large reused window over a file channel. Readers ask for "n bytes at the cursor"
 * ({@link #ensure(int)}), parse them in place from {@link #array()} at {@link #pos()}, and then
 * {@link #skip(int) advance}. Nothing is consumed until the caller decides a whole record is there
 * (Netty's ByteToMessageDecoder contract), so a record that straddles a refill is simply
 * copied to the front of a fresh array and completed by the next read. Arrays already handed
 * out are never written again (see {@link dev.nfe.capture.FrameSource#stableBuffers()}).
 *
 * <p>Offsets in the file are longs (files over 2 GiB); offsets in the array are ints. The array
 * only grows when a single unit is larger than it (a huge pcapng block), which is rare and bounded
 * by the caller's own length checks.
 */
final class ChannelBuffer {
    private final SeekableByteChannel channel;
    private byte[] buf;
    private ByteBuffer view;
    private int pos;
    private int limit;
    /** File offset of {@code buf[0]}. */
    private long base;
    private boolean eof;

    ChannelBuffer(SeekableByteChannel channel, int capacity) {
        if (capacity < 1) {
            throw new IllegalArgumentException("buffer capacity must be positive: " + capacity);
        }
        this.channel = channel;
        this.buf = new byte[capacity];
        this.view = ByteBuffer.wrap(buf);
    }

    /** The backing array; valid until the next {@link #ensure(int)} that has to read. */
    byte[] array() {
        return buf;
    }

    /** Index in {@link #array()} of the byte at the cursor. */
    int pos() {
        return pos;
    }

    /** Bytes available at the cursor without reading. */
    int available() {
        return limit - pos;
    }

    /** File offset of the cursor: bytes consumed so far. */
    long position() {
        return base + pos;
    }

    long size() throws IOException {
        return channel.size();
    }

    /**
     * Makes {@code n} bytes available at the cursor, reading (and compacting or growing the array)
     * as needed.
     *
     * @return false when the input ends first; {@link #available()} then tells how many bytes there were
     */
    boolean ensure(int n) throws IOException {
        if (limit - pos >= n) {
            return true;
        }
        if (eof) {
            return false;
        }
        int remaining = limit - pos;
        if (n > buf.length) {
            byte[] bigger = new byte[(int) Math.min(Integer.MAX_VALUE - 8, Math.max(n, 2L * buf.length))];
            System.arraycopy(buf, pos, bigger, 0, remaining);
            buf = bigger;
            view = ByteBuffer.wrap(buf);
        } else if (pos > 0) {
            // Never write into an array that frames were handed out from: a fresh one per refill
            // lets sinks keep views of frame bytes (FrameSource.stableBuffers). The cost is one
            // allocation per buffer-full, against one copy per packet payload.
            byte[] fresh = new byte[buf.length];
            System.arraycopy(buf, pos, fresh, 0, remaining);
            buf = fresh;
            view = ByteBuffer.wrap(buf);
        }
        base += pos;
        pos = 0;
        limit = remaining;
        // Fill the whole free space, not just n bytes: fewer, larger reads.
        while (limit < n) {
            view.limit(buf.length).position(limit);
            int read = channel.read(view);
            if (read < 0) {
                eof = true;
                return false;
            }
            limit += read;
        }
        return true;
    }

    /** Advances the cursor by {@code n} bytes, which must be available. */
    void skip(int n) {
        if (n < 0 || n > limit - pos) {
            throw new IllegalArgumentException("cannot skip " + n + " bytes, " + (limit - pos) + " available");
        }
        pos += n;
    }

    void close() throws IOException {
        channel.close();
    }
}
