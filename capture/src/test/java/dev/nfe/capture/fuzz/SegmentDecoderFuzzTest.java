package dev.nfe.capture.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.FragmentLimits;
import dev.nfe.capture.decode.LinkTypes;
import dev.nfe.capture.decode.SegmentDecoder;

/**
 * Fuzzes link / IP / tunnel / TCP decoding one frame at a time, for every link type the decoder
 * knows (and an unknown one). The decoder's contract: no exception for any frame, every frame
 * either one segment or one skip reason, and a segment's captured payload never longer than its
 * wire payload. The original length is fuzzed too (shorter, equal or longer than the captured bytes).
 */
class SegmentDecoderFuzzTest {
    private static final int[] LINK_TYPES = {
        LinkTypes.ETHERNET, LinkTypes.NULL, LinkTypes.RAW_DLT12, LinkTypes.RAW_DLT14, LinkTypes.RAW,
        LinkTypes.LOOP, LinkTypes.LINUX_SLL, LinkTypes.IPV4, LinkTypes.IPV6, LinkTypes.LINUX_SLL2, 147,
    };

    @FuzzTest
    void frame(FuzzedDataProvider data) {
        int linkType = data.pickValue(LINK_TYPES);
        int tunnelDepth = data.consumeInt(0, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH);
        int extraWire = data.consumeInt(-64, 64);
        int lead = data.consumeInt(0, 8);
        byte[] frame = data.consumeRemainingAsBytes();
        // the frame at an offset inside a larger buffer, as the readers hand it over
        byte[] buf = new byte[lead + frame.length + 8];
        System.arraycopy(frame, 0, buf, lead, frame.length);
        int[] segments = {0};
        SegmentDecoder decoder = new SegmentDecoder(segment -> {
            check(segment, frame.length);
            segments[0]++;
        }, tunnelDepth);
        int original = Math.max(0, frame.length + extraWire);
        decoder.frame(1, 0, linkType, buf, lead, frame.length, original);
        assertTrue(segments[0] <= 1, "one frame gave " + segments[0] + " segments");
        assertTrue(decoder.stats().frames() == 1, "frame not counted");
        assertTrue(decoder.stats().tcpSegments() == segments[0] && decoder.stats().skipped() == 1 - segments[0],
                () -> "a frame must be one segment or one skip: " + decoder.stats());
    }

    /**
     * IP reassembly: a run of up to 24 frames of raw IPv4/IPv6 (or Ethernet) through one decoder,
     * so fragments of one datagram meet, overlap, repeat and time out (timestamps advance by
     * fuzzer-chosen steps). Every frame is counted; a rebuilt segment's payload stays within its
     * wire length; the datagrams held never exceed the cap of {@link FragmentLimits}.
     */
    @FuzzTest
    void fragments(FuzzedDataProvider data) {
        int linkType = data.pickValue(new int[] {LinkTypes.RAW, LinkTypes.IPV4, LinkTypes.IPV6, LinkTypes.ETHERNET});
        int n = data.consumeInt(1, 24);
        int[] segments = {0};
        SegmentDecoder decoder = new SegmentDecoder(segment -> {
            assertTrue(segment.payload().length() <= segment.payloadLength(), "captured payload longer than the wire payload");
            segments[0]++;
        });
        long ts = 0;
        for (int i = 0; i < n && data.remainingBytes() > 0; i++) {
            ts += data.consumeLong(0, 40_000_000_000L);
            byte[] frame = i == n - 1 ? data.consumeRemainingAsBytes() : data.consumeBytes(data.consumeInt(0, 1600));
            decoder.frame(i + 1, ts, linkType, frame, 0, frame.length, frame.length);
            assertTrue(decoder.stats().fragmentsInProgress() <= FragmentLimits.DEFAULT.maxDatagrams(),
                    "more datagrams held than the cap");
        }
        assertTrue(decoder.stats().tcpSegments() == segments[0], "segments miscounted");
    }

    private static void check(TcpSegment s, int frameLength) {
        assertTrue(s.payload().length() <= s.payloadLength(), "captured payload longer than the wire payload");
        assertTrue(s.payload().length() <= frameLength, "payload longer than the frame");
    }
}
