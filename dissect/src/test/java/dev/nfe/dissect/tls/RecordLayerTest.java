package dev.nfe.dissect.tls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.LongUnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The record layer alone (STYLE.md rule 12): what it hands up to the content layer, for every
 * fixture direction fed whole, split at every position, and in 1-, 7- and 50-byte fragments,
 * must be the same records in the same order, each handed up in the frame of the feed holding its
 * last byte and naming as its first feed the one that held its first byte (the pending-header
 * path included). The completing and first bytes are measured once by feeding one byte per call.
 */
class RecordLayerTest {

    static List<String> directions() {
        return Fixtures.directions();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void everySplitHandsUpTheSameRecordsInTheSameFrames(String fixtureAndDir) {
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] stream = f.stream(fixtureAndDir.charAt(fixtureAndDir.length() - 1));
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);

        LayerStack byByte = LayerStack.fragments(stream, 1, context);
        assertEquals(Feeding.fragments(stream, 1, context).keys(), byByte.events.keys(),
                "the hand-built stack is the decoder");
        assertSame(fixtureAndDir + " whole", byByte, LayerStack.cuts(stream, new int[0], context),
                at -> stream.length - 1, at -> 1);
        for (int size : new int[] {7, 50}) {
            assertSame(fixtureAndDir + " fragments of " + size, byByte,
                    LayerStack.fragments(stream, size, context),
                    at -> Math.min(stream.length - 1, (at / size + 1) * size - 1), at -> at / size + 1);
        }
        for (int p = 1; p < stream.length; p++) {
            int cut = p;
            assertSame(fixtureAndDir + " split at " + p, byByte,
                    LayerStack.cuts(stream, new int[] {p}, context),
                    at -> at < cut ? cut - 1 : stream.length - 1, at -> at < cut ? 1 : 2);
        }
    }

    /**
     * @param frameOf     the frame label of the chunk holding a stream offset
     * @param feedOf      the feed number (from 1) of the chunk holding a stream offset
     */
    private static void assertSame(String what, LayerStack byByte, LayerStack got,
                                   LongUnaryOperator frameOf, LongUnaryOperator feedOf) {
        assertEquals(byByte.keys(), got.keys(), what);
        for (int k = 0; k < byByte.calls.size(); k++) {
            LayerStack.Call expected = byByte.calls.get(k);
            LayerStack.Call call = got.calls.get(k);
            assertEquals(frameOf.applyAsLong(expected.frame()), call.frame(), what + ": frame of " + call);
            if (expected.firstFeed() > 0) {
                // one byte per feed: feed n holds stream offset n - 1
                assertEquals(feedOf.applyAsLong(expected.firstFeed() - 1), call.firstFeed(), what + ": first feed of " + call);
            }
            assertEquals(expected.protection(), call.protection(), what + ": protection after " + call);
        }
        assertEquals(byByte.records.mode(), got.records.mode(), what);
        assertEquals(byByte.records.wantsBytes(), got.records.wantsBytes(), what);
    }

    /**
     * The records of an SSLv3/TLS direction tile its bytes: each starts where the previous ended,
     * with the length its header gives, and what is left after the last one is the start of a
     * record the fixture cut off.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource("directions")
    void recordsTileTheStream(String fixtureAndDir) {
        char dir = fixtureAndDir.charAt(fixtureAndDir.length() - 1);
        Fixture f = Fixture.load(fixtureAndDir.substring(0, fixtureAndDir.length() - 2));
        byte[] s = f.stream(dir);
        LayerStack stack = LayerStack.segments(f.direction(dir), new TlsContext(TlsLimits.DEFAULT));
        if (s.length == 0 || (s[0] & 0x80) != 0 || stack.records.mode() != TlsStreamDecoder.Mode.TLS
                || stack.events.first("plaintext") != null || stack.events.keys().contains("anomaly gap")) {
            return; // SSLv2 headers are 2 or 3 bytes long; plaintext and gaps are not records
        }
        int at = 0;
        for (LayerStack.Call c : stack.calls) {
            if (c.key().startsWith("record ") || c.key().startsWith("counted ") || c.key().startsWith("applicationData ")) {
                int length = MalformedInputTest.firstRecord(Arrays.copyOfRange(s, at, at + 5)) - 5;
                assertEquals(length, lengthIn(c.key()), fixtureAndDir + " record at " + at + ": " + c);
                at += 5 + length;
            }
        }
        assertTrue(at > 0 && at <= s.length, fixtureAndDir);
        if (s.length - at >= 5) {
            assertTrue(MalformedInputTest.firstRecord(Arrays.copyOfRange(s, at, at + 5)) > s.length - at,
                    fixtureAndDir + ": the " + (s.length - at) + " bytes after the last record are not a cut-off record");
        }
    }

    private static int lengthIn(String key) {
        Matcher m = LENGTH.matcher(key);
        assertTrue(m.find(), key);
        return Integer.parseInt(m.group(1));
    }

    private static final Pattern LENGTH = Pattern.compile(" length=(\\d+)");

    /** A hole inside a handshake record: that record is dropped and the handshake marked lost; the framing survives. */
    @Test
    void aHoleInsideABufferedRecordDropsItAndKeepsTheFraming() {
        Fixture f = Fixture.load("tls12-openssl-chain");
        List<Fixture.Segment> segs = f.direction('S');
        byte[] s = f.stream('S');
        LayerStack whole = LayerStack.segments(segs, new TlsContext(TlsLimits.DEFAULT));
        int hole = segs.get(0).bytes().length + 500;
        List<Fixture.Segment> holed = new ArrayList<>();
        for (Fixture.Segment seg : segs) {
            if (seg == segs.get(1)) {
                byte[] b = seg.bytes();
                holed.add(new Fixture.Segment('S', seg.frame(), seg.tsNanos(), Arrays.copyOf(b, 500)));
                holed.add(new Fixture.Segment('S', seg.frame(), seg.tsNanos(), null, 10));
                holed.add(new Fixture.Segment('S', seg.frame(), seg.tsNanos(), Arrays.copyOfRange(b, 510, b.length)));
            } else {
                holed.add(seg);
            }
        }
        LayerStack got = LayerStack.segments(holed, new TlsContext(TlsLimits.DEFAULT));
        // the record that holds the hole, by its offset in the stream
        List<String> expected = new ArrayList<>(whole.keys());
        int at = 0;
        for (int i = 0; i < expected.size(); i++) {
            int end = at + 5 + lengthIn(expected.get(i));
            if (hole + 10 <= end) {
                assertTrue(hole >= at + 5 && expected.get(i).startsWith("record type=22"), expected.get(i));
                expected.set(i, "handshakeLost");
                break;
            }
            at = end;
        }
        assertEquals(expected, got.keys());
        assertEquals(TlsStreamDecoder.Mode.TLS, got.records.mode());
        assertTrue(got.records.wantsBytes());
        assertTrue(s.length > hole);
    }

    /** After a hole over a record boundary, no record is handed up until a feed starts with a header. */
    @Test
    void lostFramingResumesAtAFeedThatStartsWithAHeader() {
        byte[] a = MalformedInputTest.record(23, new byte[300]);
        byte[] alert = MalformedInputTest.record(21, new byte[] {2, 40});
        LayerStack stack = new LayerStack(new TlsContext(TlsLimits.DEFAULT));
        stack.feed(a, 0, 100, 1, 0);
        stack.gap(400, 2, 0);                  // past the end of the first record: framing lost
        stack.feed(a, 200, 100, 3, 0);         // the middle of a record: not a header
        stack.feed(alert, 0, alert.length, 4, 0);
        assertEquals(List.of("handshakeLost", "record type=21 version=303 index=2 length=2 body=0228"), stack.keys());
        assertEquals(4, stack.calls.get(1).frame());
        assertFalse(stack.report.broken());
    }
}
