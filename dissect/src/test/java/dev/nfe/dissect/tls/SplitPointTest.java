package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every split point (STYLE.md rule 12): each fixture direction is fed whole, split into two feeds
 * at every position, and in 1-, 7- and 50-byte fragments; the event sequence (types and decoded
 * values) must be the one the real TCP segmentation gives, and every event must carry the frame
 * of the feed that holds the byte that completed it.
 *
 * <p>The completing byte of each event is measured once by feeding one byte per call with the
 * byte's stream offset as the frame number; a chunking is then right when each event carries the
 * label of the chunk containing that offset. Chunk-dependent evidence is checked separately: the
 * plaintext bytes must be a prefix of the stream, ClientHello.tcpSegments is left to the tshark test.
 */
class SplitPointTest {

    static List<String> directions() {
        return Fixtures.directions();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void everySplitGivesTheSameEventsInTheSameFrames(String fixtureAndDir) {
        String name = fixtureAndDir.substring(0, fixtureAndDir.length() - 2);
        char dir = fixtureAndDir.charAt(fixtureAndDir.length() - 1);
        Fixture f = Fixture.load(name);
        byte[] stream = f.stream(dir);
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);

        RecordingEvents byByte = Feeding.fragments(stream, 1, context);
        List<String> keys = byByte.keys();
        long[] completedAt = byByte.events.stream().mapToLong(RecordingEvents.Event::frame).toArray();

        // the real segmentation: the frame of the segment that holds the completing byte
        List<Fixture.Segment> segments = f.direction(dir);
        long[] segmentEnd = new long[segments.size()];
        long offset = 0;
        for (int i = 0; i < segments.size(); i++) {
            offset += segments.get(i).bytes().length;
            segmentEnd[i] = offset;
        }
        RecordingEvents real = Feeding.segments(segments, context);
        assertSame(fixtureAndDir + " real segments", stream, keys, completedAt, real, at -> {
            int i = 0;
            while (segmentEnd[i] <= at) {
                i++;
            }
            return segments.get(i).frame();
        }, false);

        assertEverySplit(fixtureAndDir, stream, context);
        assertEquals(byByte.finalMode, real.finalMode);
        assertEquals(byByte.finalWantsBytes, real.finalWantsBytes);
    }

    /**
     * {@code stream} fed whole, in 7- and 50-byte fragments and split in two at every position gives
     * the events of feeding it one byte at a time, each in the frame of the chunk that holds the byte
     * that completed it.
     */
    static void assertEverySplit(String what, byte[] stream, TlsContext context) {
        RecordingEvents byByte = Feeding.fragments(stream, 1, context);
        List<String> keys = byByte.keys();
        long[] completedAt = byByte.events.stream().mapToLong(RecordingEvents.Event::frame).toArray();
        assertSame(what + " whole", stream, keys, completedAt,
                Feeding.cuts(stream, new int[0], context), at -> stream.length - 1, true);
        for (int size : new int[] {7, 50}) {
            assertSame(what + " fragments of " + size, stream, keys, completedAt,
                    Feeding.fragments(stream, size, context), at -> Math.min(stream.length - 1, (at / size + 1) * size - 1),
                    true);
        }
        for (int p = 1; p < stream.length; p++) {
            int cut = p;
            RecordingEvents split = Feeding.cuts(stream, new int[] {p}, context);
            assertSame(what + " split at " + p, stream, keys, completedAt, split,
                    at -> at < cut ? cut - 1 : stream.length - 1, true);
            assertEquals(byByte.finalMode, split.finalMode, what + " split at " + p);
        }
    }

    private static void assertSame(String what, byte[] stream, List<String> keys, long[] completedAt,
                                   RecordingEvents got, LongUnaryOperator expectedFrame, boolean syntheticTs) {
        if (!keys.equals(got.keys())) {
            assertEquals(String.join("\n", keys), String.join("\n", got.keys()), what);
        }
        for (int k = 0; k < keys.size(); k++) {
            RecordingEvents.Event e = got.events.get(k);
            long frame = expectedFrame.applyAsLong(completedAt[k]);
            assertEquals(frame, e.frame(), what + ": frame of event " + k + " " + e.key());
            if (syntheticTs) {
                assertEquals(frame * 1000 + 7, e.tsNanos(), what + ": timestamp of event " + k);
            }
            if (e.kind().equals("plaintext")) {
                byte[] first = (byte[]) e.value();
                assertFalse(first.length == 0 || first.length > 16, what + ": plaintext evidence length");
                assertTrue(Arrays.equals(first, Arrays.copyOf(stream, first.length)),
                        what + ": plaintext evidence is the stream's first bytes");
            }
        }
    }
}
