package dev.nfe.dissect.tcp;

import dev.nfe.capture.Bytes;

import java.util.Map;
import java.util.TreeMap;

/**
 * Reassembles one direction of a TCP connection into an ordered byte stream.
 *
 * <p>Sequence numbers are unwrapped into a 64-bit stream position relative to the next expected
 * byte, so wrap-around at 2^32 is invisible to callers. Retransmissions and overlaps are trimmed
 * (the first copy wins, as in Wireshark and Zeek). Segments ahead of the next expected byte wait
 * in a capped buffer; when the cap (per direction, and the dissector-wide {@link ByteBudget}) is
 * hit, or the stream is flushed at its end, the hole is announced as a gap and delivery moves on.
 *
 * <p>State is explicit: {@link State#IDLE} before any sequence number is known, {@link State#OPEN}
 * after the SYN or the first data segment (a capture that starts mid-flow).
 */
public final class StreamReassembler implements Bytes.Reader {

    public enum State { IDLE, OPEN }

    private final int maxPendingBytes;
    private final ByteBudget budget;
    private final TreeMap<Long, Pending> pending = new TreeMap<>();

    private State state = State.IDLE;
    private boolean synSeen;
    private long isn;
    /** Stream position (unwrapped sequence number) of the next byte to deliver. */
    private long next;
    private int pendingBytes;
    /** ISNs of later SYNs that differed from the first; the first data picks among them. */
    private final long[] otherIsns = new long[4];
    private int candidates;
    private boolean reanchored;
    /** Farther than this from the expected start, a first data segment cannot belong to that SYN. */
    private static final long ANCHOR_WINDOW = 1L << 20;

    private long deliveredBytes;
    private long duplicateBytes;
    private long gapBytes;
    private long gaps;
    private long capHits;

    // delivery context for read(): avoids a lambda per segment on the hot path
    private ReassemblySink sink;
    private long curFrame;
    private long curTs;
    private int skip;

    private record Pending(long start, Bytes payload, int wireLength, long frame, long tsNanos) {
        long capturedEnd() {
            return start + payload.length();
        }

        long wireEnd() {
            return start + wireLength;
        }
    }

    public StreamReassembler(int maxPendingBytes, ByteBudget budget) {
        this.maxPendingBytes = maxPendingBytes;
        this.budget = budget;
    }

    public State state() {
        return state;
    }

    public boolean synSeen() {
        return synSeen;
    }

    /** Initial sequence number from this direction's SYN (valid when {@link #synSeen()}). */
    public long isn() {
        return isn;
    }

    /** Stream position of the next byte to deliver. */
    public long nextPosition() {
        return next;
    }

    /**
     * Maps a 32-bit sequence number to the stream position nearest the next expected byte
     * (RFC 9293 section 3.4: comparisons are modulo 2^32; a window never spans 2^31).
     */
    public long unwrap(long seq32) {
        int diff = (int) (seq32 - next);
        return next + diff;
    }

    /**
     * This direction's SYN: the stream starts at ISN + 1. A repeated SYN changes nothing. A SYN
     * with a different ISN is remembered as a candidate: some stacks and middleboxes answer
     * retransmitted SYNs with SYN/ACKs of fresh ISNs, and only the first data segment tells
     * which one the stream really follows (see {@link #segment}).
     */
    public void syn(long seq32) {
        if (state == State.IDLE) {
            synSeen = true;
            isn = seq32;
            next = seq32 + 1;
            state = State.OPEN;
        } else if (synSeen && seq32 != isn && candidates < otherIsns.length) {
            otherIsns[candidates++] = seq32;
        }
    }

    /**
     * Before any byte has moved, a first data segment far from the expected start re-anchors the
     * stream: at another SYN's ISN when one fits, else at the segment itself (the SYN we saw was
     * not the one this data belongs to).
     */
    private void anchorFirstData(long seq32) {
        if (deliveredBytes != 0 || !pending.isEmpty() || gaps != 0) {
            return;
        }
        int diff = (int) (seq32 - next);
        if (Math.abs((long) diff) <= ANCHOR_WINDOW) {
            return;
        }
        for (int i = 0; i < candidates; i++) {
            long start = (otherIsns[i] + 1) & 0xffff_ffffL;
            if (Math.abs((long) (int) (seq32 - start)) <= ANCHOR_WINDOW) {
                isn = otherIsns[i];
                next = start;
                reanchored = true;
                return;
            }
        }
        next = seq32;
        reanchored = true;
    }

    /** True when the first data did not follow the first SYN's ISN (see {@link #syn}). */
    public boolean reanchored() {
        return reanchored;
    }

    /**
     * One segment's payload. {@code seq32} is the segment's sequence number; for a SYN carrying
     * data (TCP Fast Open) pass {@code seq32 + 1}. {@code wireLength} may exceed the captured
     * payload when the frame was cut by the snap length; the missing tail becomes a gap.
     */
    public void segment(long seq32, Bytes payload, int wireLength, long frame, long tsNanos, ReassemblySink out) {
        if (wireLength == 0) {
            return;
        }
        if (state == State.IDLE) {
            // capture began mid-flow: take the first data we see as the start of the stream
            next = seq32;
            state = State.OPEN;
        }
        anchorFirstData(seq32);
        long start = unwrap(seq32);
        long wireEnd = start + wireLength;
        if (wireEnd <= next) {
            duplicateBytes += wireLength;
            return;
        }
        if (start <= next) {
            deliver(start, payload, wireLength, frame, tsNanos, out);
            drain(frame, tsNanos, out);
            return;
        }
        hold(start, payload, wireLength, frame, tsNanos, out);
    }

    /**
     * Ends the stream: everything still held is delivered, holes before it announced as gaps.
     * Use when the connection is finalised.
     */
    public void flush(long frame, long tsNanos, ReassemblySink out) {
        while (!pending.isEmpty()) {
            Pending first = pending.firstEntry().getValue();
            long hole = first.start() - next;
            if (hole > 0) {
                // nothing filled this hole: what follows it keeps the frames it arrived in
                announceGap(hole, first.frame(), first.tsNanos(), out);
            }
            drainOwnFrames(out);
        }
    }

    /** Delivers contiguous held segments, each with the frame it arrived in. */
    private void drainOwnFrames(ReassemblySink out) {
        while (!pending.isEmpty() && pending.firstKey() <= next) {
            Pending p = pending.pollFirstEntry().getValue();
            release(p);
            if (p.wireEnd() <= next) {
                duplicateBytes += p.wireLength();
                continue;
            }
            deliver(p.start(), p.payload(), p.wireLength(), p.frame(), p.tsNanos(), out);
        }
    }

    private void hold(long start, Bytes payload, int wireLength, long frame, long tsNanos, ReassemblySink out) {
        int size = payload.length();
        Pending existing = pending.get(start);
        if (existing != null && existing.wireLength() >= wireLength) {
            duplicateBytes += wireLength;
            return;
        }
        boolean fits = pendingBytes + size <= maxPendingBytes && budget.tryReserve(size);
        if (!fits) {
            // Give up on the hole: announce it, deliver what is held, then this segment.
            capHits++;
            Map.Entry<Long, Pending> first = pending.firstEntry();
            long resumeAt = first == null ? start : Math.min(first.getKey(), start);
            announceGap(resumeAt - next, frame, tsNanos, out);
            drainOwnFrames(out);
            if (start > next) {
                announceGap(start - next, frame, tsNanos, out);
            }
            segmentAfterGap(start, payload, wireLength, frame, tsNanos, out);
            return;
        }
        if (existing != null) {
            release(existing);
        }
        // a held payload may be a view of a whole read buffer: keep only its own bytes
        pending.put(start, new Pending(start, payload.compact(), wireLength, frame, tsNanos));
        pendingBytes += size;
    }

    private void segmentAfterGap(long start, Bytes payload, int wireLength, long frame, long tsNanos, ReassemblySink out) {
        if (start + wireLength <= next) {
            duplicateBytes += wireLength;
            return;
        }
        deliver(start, payload, wireLength, frame, tsNanos, out);
        drain(frame, tsNanos, out);
    }

    /** Delivers a segment that starts at or before {@code next} and ends after it. */
    private void deliver(long start, Bytes payload, int wireLength, long frame, long tsNanos, ReassemblySink out) {
        long capturedEnd = start + payload.length();
        if (capturedEnd > next) {
            int from = (int) (next - start);
            duplicateBytes += from;
            this.sink = out;
            this.curFrame = frame;
            this.curTs = tsNanos;
            this.skip = from;
            payload.read(this);
            this.sink = null;
            deliveredBytes += payload.length() - from;
            next = capturedEnd;
        }
        long wireEnd = start + wireLength;
        if (wireEnd > next) {
            // bytes on the wire that the snap length (or a payload budget) cut off
            announceGap(wireEnd - next, frame, tsNanos, out);
        }
    }

    /** Delivers held segments that have become contiguous, with the frame that completed them. */
    private void drain(long frame, long tsNanos, ReassemblySink out) {
        while (!pending.isEmpty()) {
            Map.Entry<Long, Pending> first = pending.firstEntry();
            if (first.getKey() > next) {
                return;
            }
            Pending p = pending.pollFirstEntry().getValue();
            release(p);
            if (p.wireEnd() <= next) {
                duplicateBytes += p.wireLength();
                continue;
            }
            deliver(p.start(), p.payload(), p.wireLength(), frame, tsNanos, out);
        }
    }

    private void release(Pending p) {
        pendingBytes -= p.payload().length();
        budget.release(p.payload().length());
    }

    private void announceGap(long bytes, long frame, long tsNanos, ReassemblySink out) {
        if (bytes <= 0) {
            return;
        }
        gaps++;
        gapBytes += bytes;
        next += bytes;
        out.gap(bytes, frame, tsNanos);
    }

    @Override
    public void read(byte[] buf, int off, int len) {
        sink.data(buf, off + skip, len - skip, curFrame, curTs);
    }

    public int pendingBytes() {
        return pendingBytes;
    }

    public long deliveredBytes() {
        return deliveredBytes;
    }

    public long duplicateBytes() {
        return duplicateBytes;
    }

    public long gapBytes() {
        return gapBytes;
    }

    public long gaps() {
        return gaps;
    }

    /** Times the out-of-order buffer cap (per direction or dissector-wide) forced a gap. */
    public long capHits() {
        return capHits;
    }
}
