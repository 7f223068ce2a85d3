package dev.nfe.pipeline.evidence;

import java.util.ArrayList;
import java.util.List;

/**
 * The frames the live agent keeps of one connection: the first {@code head} as they come (the
 * handshake), then a ring of the last {@code tail}; frames pushed out of the ring are counted,
 * so the file can say how many are missing where. Owned by the processing thread.
 */
final class ConnectionFrames {
    private final List<StoredFrame> head;
    private final StoredFrame[] ring;
    private final int headCap;
    private int ringStart;
    private int ringSize;
    /** Frames pushed out of the ring: they were between the head and what the ring holds now. */
    private long leftOut;
    private long bytes;
    final long firstTsNanos;
    long lastTsNanos;
    /** The client's SYN sequence number, or -1 when no SYN was seen: a SYN with another one is a new connection. */
    long synSeq = -1;

    ConnectionFrames(int headCap, int tailCap, long firstTsNanos) {
        this.headCap = headCap;
        this.head = new ArrayList<>(Math.min(headCap, 8));
        this.ring = new StoredFrame[tailCap];
        this.firstTsNanos = firstTsNanos;
        this.lastTsNanos = firstTsNanos;
    }

    /** Adds a frame; returns the bytes this frees (a frame pushed out of the ring), 0 if none. */
    long add(StoredFrame f) {
        lastTsNanos = Math.max(lastTsNanos, f.tsNanos());
        bytes += f.cost();
        if (head.size() < headCap) {
            head.add(f);
            return 0;
        }
        if (ring.length == 0) {
            leftOut++;
            bytes -= f.cost();
            return f.cost();
        }
        if (ringSize < ring.length) {
            ring[(ringStart + ringSize++) % ring.length] = f;
            return 0;
        }
        StoredFrame old = ring[ringStart];
        ring[ringStart] = f;
        ringStart = (ringStart + 1) % ring.length;
        leftOut++;
        bytes -= old.cost();
        return old.cost();
    }

    /** The bytes {@link #add} of {@code f} frees: the ring's oldest when the ring is full, {@code f} itself when there is no ring. */
    long freedByAdding(StoredFrame f) {
        if (head.size() < headCap) {
            return 0;
        }
        if (ring.length == 0) {
            return f.cost();
        }
        return ringSize < ring.length ? 0 : ring[ringStart].cost();
    }

    /** The frames kept, in the order they came. */
    List<StoredFrame> frames() {
        List<StoredFrame> out = new ArrayList<>(head.size() + ringSize);
        out.addAll(head);
        for (int i = 0; i < ringSize; i++) {
            out.add(ring[(ringStart + i) % ring.length]);
        }
        return out;
    }

    /** The first frame of the ring, after which the left-out frames were (null when none were left out). */
    StoredFrame afterGap() {
        return leftOut == 0 || ringSize == 0 ? null : ring[ringStart];
    }

    long leftOut() {
        return leftOut;
    }

    long bytes() {
        return bytes;
    }

    int size() {
        return head.size() + ringSize;
    }
}
