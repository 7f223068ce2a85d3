package dev.nfe.capture.decode;

import java.util.Arrays;

/**
 * One datagram being rebuilt: its bytes so far, and which byte ranges of it are filled ("pieces",
 * disjoint and sorted by offset). For IPv6 every piece is one whole fragment, since no overlap is
 * ever kept; for IPv4 a fragment that overlaps held bytes adds only the holes it fills, so the
 * bytes that came first stay (the first-wins policy, see {@link FragmentReassembler}).
 *
 * <p>Offsets count from the start of the fragmentable part: the IPv4 payload, or what follows the
 * IPv6 Fragment header. Owned by one {@link FragmentReassembler}.
 */
final class PendingDatagram {
    /** What placing one fragment did. */
    enum Placed {
        /** Its bytes were all new. */
        NEW,
        /** All its bytes were held already, with the same values. */
        DUPLICATE,
        /** IPv4: it overlapped held bytes with the same values, and filled holes too. */
        OVERLAP,
        /** IPv4: some overlapped bytes differ; the held ones were kept, holes were filled. */
        CONFLICT,
        /** IPv6: it overlaps held bytes and is not an exact duplicate of a fragment (RFC 5722). */
        IPV6_OVERLAP
    }

    private static final int[] NO_PIECES = new int[0];

    /** Creation order in the reassembler, for evicting the oldest. */
    final long sequence;
    /** Capture time of the first fragment that arrived: the timeout runs from here. */
    final long firstTimestamp;

    /** Null once the datagram was discarded: the entry then only swallows its late fragments. */
    private byte[] data = new byte[0];
    /** Start and end of each filled range, two ints per piece. */
    private int[] pieces = NO_PIECES;
    private int pieceCount;
    private int covered;
    private int highestEnd;
    /** Length of the whole fragmentable part, known once the last fragment (M = 0) arrived; else -1. */
    int length = -1;
    /** The first byte the capture does not have (a fragment cut by the snap length); MAX_VALUE when none. */
    int capturedLimit = Integer.MAX_VALUE;
    /** From the fragment at offset 0: protocol (IPv6: its Fragment header's next header), TTL / hop limit, length. */
    int protocol = -1;
    int ttl = -1;
    int firstFragmentLength = -1;
    /** Lowest offset at which a fragment overlapped held bytes (duplicates aside); MAX_VALUE when none did. */
    int lowestOverlap = Integer.MAX_VALUE;

    PendingDatagram(long sequence, long firstTimestamp) {
        this.sequence = sequence;
        this.firstTimestamp = firstTimestamp;
    }

    boolean discarded() {
        return data == null;
    }

    /** Lets go of the bytes; the entry stays as a remnant that swallows later fragments. */
    void discard() {
        data = null;
        pieces = null;
    }

    /** Bytes this datagram holds: its buffer and its piece list. */
    long heldBytes() {
        return data == null ? 0 : data.length + 4L * pieces.length;
    }

    int highestEnd() {
        return highestEnd;
    }

    boolean complete() {
        return length >= 0 && covered == length;
    }

    byte[] data() {
        return data;
    }

    /**
     * At most how many more bytes {@link #place} allocates for a fragment ending at {@code end}: the
     * buffer grows to the datagram's length when that is known, else by doubling (capped at
     * {@code maxLength}); one fragment can at most double the number of pieces plus one, and the
     * piece list grows by doubling, so it ends below four ints per piece after.
     */
    long growthFor(int end, int maxLength) {
        long buffer = Math.max(0, newCapacity(end, maxLength) - data.length);
        long piecesBound = 4L * Math.max(8, 4 * (2 * pieceCount + 1));
        return buffer + Math.max(0, piecesBound - 4L * pieces.length);
    }

    private int newCapacity(int end, int maxLength) {
        if (end <= data.length) {
            return data.length;
        }
        if (length >= 0) {
            return length;
        }
        return Math.max(end, Math.min(maxLength, 2 * data.length));
    }

    /**
     * Places a fragment covering {@code [offset, offset + wireLength)} of which the first
     * {@code capturedLength} bytes are in {@code buf} from {@code off}. The caller has checked the
     * end against the datagram's length and size limit, and allowed for {@link #growthFor}.
     */
    Placed place(boolean v6, int offset, int wireLength, int capturedLength, byte[] buf, int off, int maxLength) {
        int end = offset + wireLength;
        int capturedEnd = offset + capturedLength;
        int compareLimit = Math.min(capturedLimit, capturedEnd);
        int first = firstEndingAfter(offset);
        int last = first;
        boolean conflict = false;
        while (last < pieceCount && pieces[2 * last] < end) {
            int from = Math.max(offset, pieces[2 * last]);
            int to = Math.min(Math.min(end, pieces[2 * last + 1]), compareLimit);
            if (from < to && !Arrays.equals(data, from, to, buf, off + from - offset, off + to - offset)) {
                conflict = true;
            }
            last++;
        }
        if (capturedEnd < end) {
            capturedLimit = Math.min(capturedLimit, capturedEnd);
        }
        if (last > first) {
            if (v6) {
                boolean exact = last == first + 1 && pieces[2 * first] == offset && pieces[2 * first + 1] == end;
                return exact && !conflict ? Placed.DUPLICATE : Placed.IPV6_OVERLAP;
            }
            int overlapStart = Math.max(offset, pieces[2 * first]);
            int added = fillHoles(first, last, offset, end, capturedEnd, buf, off, maxLength);
            if (added == 0) {
                if (conflict) {
                    lowestOverlap = Math.min(lowestOverlap, overlapStart);
                    return Placed.CONFLICT;
                }
                return Placed.DUPLICATE;
            }
            lowestOverlap = Math.min(lowestOverlap, overlapStart);
            return conflict ? Placed.CONFLICT : Placed.OVERLAP;
        }
        ensureCapacity(end, maxLength);
        insertPiece(first, offset, end);
        copy(offset, end, capturedEnd, buf, off, offset);
        return Placed.NEW;
    }

    /** IPv4 first-wins: fills the holes of [offset, end) between pieces first..last-1; returns the bytes added. */
    private int fillHoles(int first, int last, int offset, int end, int capturedEnd, byte[] buf, int off, int maxLength) {
        // collect the holes before changing the piece list
        int[] holes = new int[2 * (last - first + 1)];
        int holeCount = 0;
        int cursor = offset;
        for (int i = first; i < last; i++) {
            int start = pieces[2 * i];
            if (start > cursor) {
                holes[2 * holeCount] = cursor;
                holes[2 * holeCount + 1] = start;
                holeCount++;
            }
            cursor = Math.max(cursor, pieces[2 * i + 1]);
        }
        if (cursor < end) {
            holes[2 * holeCount] = cursor;
            holes[2 * holeCount + 1] = end;
            holeCount++;
        }
        if (holeCount == 0) {
            return 0;
        }
        ensureCapacity(end, maxLength);
        int added = 0;
        for (int h = holeCount - 1; h >= 0; h--) {
            int from = holes[2 * h];
            int to = holes[2 * h + 1];
            insertPiece(firstEndingAfter(from), from, to);
            copy(from, to, capturedEnd, buf, off, offset);
            added += to - from;
        }
        return added;
    }

    private void copy(int from, int to, int capturedEnd, byte[] buf, int off, int fragmentOffset) {
        int n = Math.min(to, capturedEnd) - from;
        if (n > 0) {
            System.arraycopy(buf, off + from - fragmentOffset, data, from, n);
        }
    }

    /** Index of the first piece whose end lies after {@code offset} (pieces are disjoint, so ends are sorted too). */
    private int firstEndingAfter(int offset) {
        int lo = 0;
        int hi = pieceCount;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (pieces[2 * mid + 1] <= offset) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    private void insertPiece(int index, int start, int end) {
        if (2 * (pieceCount + 1) > pieces.length) {
            pieces = Arrays.copyOf(pieces, Math.max(8, 2 * pieces.length));
        }
        System.arraycopy(pieces, 2 * index, pieces, 2 * index + 2, 2 * (pieceCount - index));
        pieces[2 * index] = start;
        pieces[2 * index + 1] = end;
        pieceCount++;
        covered += end - start;
        highestEnd = Math.max(highestEnd, end);
    }

    private void ensureCapacity(int end, int maxLength) {
        int capacity = newCapacity(end, maxLength);
        if (capacity > data.length) {
            data = Arrays.copyOf(data, capacity);
        }
    }
}
