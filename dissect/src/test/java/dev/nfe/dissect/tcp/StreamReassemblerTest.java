package dev.nfe.dissect.tcp;

import dev.nfe.capture.Bytes;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Reassembly of a real client byte stream (a TLS 1.2 ClientHello, ChangeCipherSpec, Finished and
 * application data captured on loopback, see src/test/fixtures/extract-client-stream.sh), cut into
 * segments at every split point, in every order the tests can think of.
 */
class StreamReassemblerTest {
    private static final byte[] STREAM = load("/tcp/loopback-small-stream2-client.hex");

    private record Seg(long seq, byte[] data, int wireLength, long frame) {
    }

    /** Records what the reassembler delivers. */
    private static final class Recorder implements ReassemblySink {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        final List<Long> frames = new ArrayList<>();
        long gapBytes;
        int gaps;

        @Override
        public void data(byte[] buf, int off, int len, long frame, long tsNanos) {
            bytes.write(buf, off, len);
            frames.add(frame);
        }

        @Override
        public void gap(long n, long frame, long tsNanos) {
            gaps++;
            gapBytes += n;
        }
    }

    private static List<Seg> cut(long isn, int... sizes) {
        List<Seg> out = new ArrayList<>();
        int off = 0;
        long frame = 1;
        for (int size : sizes) {
            int n = Math.min(size, STREAM.length - off);
            if (n <= 0) {
                break;
            }
            byte[] d = java.util.Arrays.copyOfRange(STREAM, off, off + n);
            out.add(new Seg((isn + 1 + off) & 0xffff_ffffL, d, n, frame++));
            off += n;
        }
        if (off < STREAM.length) {
            out.add(new Seg((isn + 1 + off) & 0xffff_ffffL,
                    java.util.Arrays.copyOfRange(STREAM, off, STREAM.length), STREAM.length - off, frame));
        }
        return out;
    }

    private static List<Seg> fragments(long isn, int size) {
        int[] sizes = new int[(STREAM.length + size - 1) / size];
        java.util.Arrays.fill(sizes, size);
        return cut(isn, sizes);
    }

    private static Recorder replay(long isn, List<Seg> segs, StreamReassembler r) {
        Recorder rec = new Recorder();
        r.syn(isn);
        for (Seg s : segs) {
            r.segment(s.seq(), Bytes.copyOf(s.data()), s.wireLength(), s.frame(), s.frame() * 1000, rec);
        }
        r.flush(99, 99_000, rec);
        return rec;
    }

    private static StreamReassembler reassembler() {
        return new StreamReassembler(1 << 20, new ByteBudget(1 << 24));
    }

    @Test
    void everySplitPointInOrderAndReversed() {
        for (int split = 1; split < STREAM.length; split++) {
            List<Seg> segs = cut(1000, split);
            Recorder fwd = replay(1000, segs, reassembler());
            assertArrayEquals(STREAM, fwd.bytes.toByteArray(), "split " + split);
            assertEquals(0, fwd.gaps);

            List<Seg> rev = new ArrayList<>(segs);
            Collections.reverse(rev);
            Recorder back = replay(1000, rev, reassembler());
            assertArrayEquals(STREAM, back.bytes.toByteArray(), "reversed split " + split);
            assertEquals(0, back.gaps);
            // both halves were completed by the segment that arrived last: the first one
            assertTrue(back.frames.stream().allMatch(f -> f == 1L), "frames " + back.frames);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 7, 50})
    void fragmentsForwardReversedAndDuplicated(int size) {
        List<Seg> segs = fragments(7, size);
        assertArrayEquals(STREAM, replay(7, segs, reassembler()).bytes.toByteArray());

        List<Seg> rev = new ArrayList<>(segs);
        Collections.reverse(rev);
        Recorder back = replay(7, rev, reassembler());
        assertArrayEquals(STREAM, back.bytes.toByteArray());
        assertEquals(0, back.gapBytes);

        List<Seg> dup = new ArrayList<>();
        for (Seg s : segs) {
            dup.add(s);
            dup.add(s); // retransmitted at once
        }
        StreamReassembler r = reassembler();
        assertArrayEquals(STREAM, replay(7, dup, r).bytes.toByteArray());
        assertEquals(STREAM.length, r.duplicateBytes());
    }

    @Test
    void overlappingRetransmissionsDeliverEachByteOnce() {
        // every segment re-sent as a larger segment covering it and part of the next one
        List<Seg> segs = fragments(50, 50);
        List<Seg> mixed = new ArrayList<>();
        for (int i = 0; i < segs.size(); i++) {
            mixed.add(segs.get(i));
            int start = i * 50;
            int end = Math.min(STREAM.length, start + 80);
            mixed.add(new Seg(50 + 1 + start, java.util.Arrays.copyOfRange(STREAM, start, end), end - start, 100 + i));
        }
        Recorder rec = replay(50, mixed, reassembler());
        assertArrayEquals(STREAM, rec.bytes.toByteArray());
    }

    @ParameterizedTest
    @ValueSource(longs = {0xffff_ff00L, 0xffff_ffffL, 0xffff_fffeL - 700})
    void sequenceWrapAroundIsInvisible(long isn) {
        List<Seg> segs = fragments(isn, 50);
        assertArrayEquals(STREAM, replay(isn, segs, reassembler()).bytes.toByteArray());
        List<Seg> rev = new ArrayList<>(segs);
        Collections.reverse(rev);
        assertArrayEquals(STREAM, replay(isn, rev, reassembler()).bytes.toByteArray());
    }

    @Test
    void snaplenCutSegmentBecomesAGapOfTheMissingBytes() {
        List<Seg> segs = fragments(10, 100);
        Seg second = segs.get(1);
        // only 30 of its 100 bytes were captured
        segs.set(1, new Seg(second.seq(), java.util.Arrays.copyOf(second.data(), 30), 100, second.frame()));
        Recorder rec = replay(10, segs, reassembler());
        assertEquals(1, rec.gaps);
        assertEquals(70, rec.gapBytes);
        byte[] got = rec.bytes.toByteArray();
        assertEquals(STREAM.length - 70, got.length);
        // delivered: bytes 0..129, then (after the 70-byte gap) bytes 200.. at their own place
        assertArrayEquals(java.util.Arrays.copyOfRange(STREAM, 0, 130), java.util.Arrays.copyOfRange(got, 0, 130));
        assertArrayEquals(java.util.Arrays.copyOfRange(STREAM, 200, STREAM.length),
                java.util.Arrays.copyOfRange(got, 130, got.length), "bytes after the cut continue at the right place");
    }

    @Test
    void lostSegmentIsAnnouncedAtFlushAndTheRestStillArrives() {
        List<Seg> segs = fragments(10, 100);
        segs.remove(2); // bytes 200..299 never captured
        StreamReassembler r = reassembler();
        Recorder rec = replay(10, segs, r);
        assertEquals(1, rec.gaps);
        assertEquals(100, rec.gapBytes);
        assertEquals(STREAM.length - 100, rec.bytes.size());
        assertEquals(0, r.pendingBytes());
    }

    @Test
    void afterAnUnfilledHoleHeldBytesKeepTheFramesTheyArrivedIn() {
        List<Seg> segs = fragments(10, 100);
        segs.remove(1); // bytes 100..199 never captured; segments from frame 3 on wait behind the hole
        Recorder rec = replay(10, segs, reassembler());
        assertEquals(100, rec.gapBytes);
        List<Long> expected = new ArrayList<>();
        expected.add(1L);
        for (Seg s : segs.subList(1, segs.size())) {
            expected.add(s.frame());
        }
        assertEquals(expected, rec.frames, "not the frame of the flush");
    }

    @Test
    void bufferCapGivesUpOnTheHoleInsteadOfGrowing() {
        List<Seg> segs = fragments(10, 50);
        segs.remove(0); // the first 50 bytes never arrive
        StreamReassembler r = new StreamReassembler(200, new ByteBudget(1 << 20));
        Recorder rec = new Recorder();
        r.syn(10);
        int maxPending = 0;
        for (Seg s : segs) {
            r.segment(s.seq(), Bytes.copyOf(s.data()), s.wireLength(), s.frame(), 0, rec);
            maxPending = Math.max(maxPending, r.pendingBytes());
        }
        assertTrue(maxPending <= 200, "pending never exceeds the cap: " + maxPending);
        assertEquals(1, r.capHits());
        assertEquals(50, rec.gapBytes);
        assertArrayEquals(java.util.Arrays.copyOfRange(STREAM, 50, STREAM.length), rec.bytes.toByteArray());
    }

    @Test
    void dissectorWideBudgetIsSharedAndCounted() {
        ByteBudget budget = new ByteBudget(120);
        StreamReassembler a = new StreamReassembler(1 << 20, budget);
        StreamReassembler b = new StreamReassembler(1 << 20, budget);
        Recorder ra = new Recorder();
        Recorder rb = new Recorder();
        a.syn(0);
        b.syn(0);
        List<Seg> segs = fragments(0, 50);
        a.segment(segs.get(1).seq(), Bytes.copyOf(segs.get(1).data()), 50, 1, 0, ra); // held: 50
        a.segment(segs.get(2).seq(), Bytes.copyOf(segs.get(2).data()), 50, 2, 0, ra); // held: 100
        b.segment(segs.get(1).seq(), Bytes.copyOf(segs.get(1).data()), 50, 3, 0, rb); // over budget
        assertEquals(1, budget.refusals());
        assertEquals(1, b.capHits());
        assertEquals(50, rb.gapBytes);
        assertEquals(100, budget.used());
        a.flush(9, 0, ra);
        assertEquals(0, budget.used());
    }

    @Test
    void captureStartingMidFlowTakesTheFirstDataAsTheStart() {
        List<Seg> segs = fragments(10, 100);
        StreamReassembler r = reassembler();
        Recorder rec = new Recorder();
        for (Seg s : segs.subList(3, segs.size())) {
            r.segment(s.seq(), Bytes.copyOf(s.data()), s.wireLength(), s.frame(), 0, rec);
        }
        assertArrayEquals(java.util.Arrays.copyOfRange(STREAM, 300, STREAM.length), rec.bytes.toByteArray());
        assertEquals(StreamReassembler.State.OPEN, r.state());
    }

    @Test
    void repeatedSynDoesNotMoveTheStream() {
        StreamReassembler r = reassembler();
        r.syn(500);
        r.syn(500);
        r.syn(900); // a different ISN is the connection layer's business (port reuse), not ours
        assertEquals(501, r.nextPosition());
    }

    private static byte[] load(String resource) {
        try (InputStream in = StreamReassemblerTest.class.getResourceAsStream(resource)) {
            String hex = new String(in.readAllBytes(), StandardCharsets.US_ASCII).trim();
            return Bytes.fromHex(hex).toByteArray();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
