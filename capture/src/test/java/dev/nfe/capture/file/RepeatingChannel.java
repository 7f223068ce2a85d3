package dev.nfe.capture.file;

import java.nio.ByteBuffer;
import java.nio.channels.NonWritableChannelException;
import java.nio.channels.SeekableByteChannel;

/**
 * A read-only channel presenting {@code prefix}, then {@code count} copies of {@code record} (each
 * with its first bytes rewritten by {@code patch} for its index), then {@code tail}: a capture of
 * any size, several GiB included, without a file on disk.
 */
final class RepeatingChannel implements SeekableByteChannel {
    interface Patch {
        /** Rewrites the head of record {@code index} (a copy of the record's first bytes). */
        void apply(long index, byte[] head);
    }

    private final byte[] prefix;
    private final byte[] record;
    private final byte[] head;
    private final Patch patch;
    private final long count;
    private final byte[] tail;
    private final long size;
    private long position;
    private long patchedIndex = -1;
    private boolean open = true;

    RepeatingChannel(byte[] prefix, byte[] record, int headLength, Patch patch, long count, byte[] tail) {
        this.prefix = prefix;
        this.record = record;
        this.head = new byte[headLength];
        this.patch = patch;
        this.count = count;
        this.tail = tail;
        this.size = prefix.length + count * record.length + tail.length;
    }

    @Override
    public int read(ByteBuffer dst) {
        if (position >= size) {
            return -1;
        }
        int start = dst.position();
        while (dst.hasRemaining() && position < size) {
            if (position < prefix.length) {
                int n = (int) Math.min(dst.remaining(), prefix.length - position);
                dst.put(prefix, (int) position, n);
                position += n;
                continue;
            }
            long inRecords = position - prefix.length;
            if (inRecords < count * record.length) {
                long index = inRecords / record.length;
                int within = (int) (inRecords % record.length);
                int n;
                if (within < head.length) {
                    if (patchedIndex != index) {
                        System.arraycopy(record, 0, head, 0, head.length);
                        patch.apply(index, head);
                        patchedIndex = index;
                    }
                    n = Math.min(dst.remaining(), head.length - within);
                    dst.put(head, within, n);
                } else {
                    n = Math.min(dst.remaining(), record.length - within);
                    dst.put(record, within, n);
                }
                position += n;
                continue;
            }
            int within = (int) (inRecords - count * record.length);
            int n = Math.min(dst.remaining(), tail.length - within);
            dst.put(tail, within, n);
            position += n;
        }
        return dst.position() - start;
    }

    @Override
    public int write(ByteBuffer src) {
        throw new NonWritableChannelException();
    }

    @Override
    public long position() {
        return position;
    }

    @Override
    public SeekableByteChannel position(long newPosition) {
        position = newPosition;
        return this;
    }

    @Override
    public long size() {
        return size;
    }

    @Override
    public SeekableByteChannel truncate(long size) {
        throw new NonWritableChannelException();
    }

    @Override
    public boolean isOpen() {
        return open;
    }

    @Override
    public void close() {
        open = false;
    }
}
