package dev.nfe.capture.decode;

import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Decoded;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodeStatsTest {

    @Test
    void countsOfARealCaptureMergeAndPrint() throws IOException {
        // ja4's tls3.pcapng: 1189 frames, 703 of them QUIC (UDP)
        DecodeStats quic = Decoded.of(Corpus.capture("FoxIO-LLC+ja4/pcap/tls3.pcapng")).stats();
        assertEquals(1189, quic.frames());
        assertEquals(quic.frames(), quic.tcpSegments() + quic.skipped());
        assertTrue(quic.skipped(SkipReason.NON_TCP) >= 703, quic.toString());
        // snap length 128 in one interface of PcapPlusPlus' example: 39 frames cut short (tshark agrees)
        DecodeStats cut = Decoded.of(Corpus.capture("seladb+PcapPlusPlus/Tests/Pcap++Test/PcapExamples/pcapng-example.pcapng")).stats();
        assertEquals(39, cut.truncatedFrames());
        assertTrue(cut.capturedBytes() < cut.bytes());

        DecodeStats total = new DecodeStats().merge(quic).merge(cut);
        assertEquals(quic.frames() + cut.frames(), total.frames());
        assertEquals(quic.bytes() + cut.bytes(), total.bytes());
        assertEquals(quic.tcpSegments() + cut.tcpSegments(), total.tcpSegments());
        assertEquals(39, total.truncatedFrames());
        for (SkipReason r : SkipReason.values()) {
            assertEquals(quic.skipped(r) + cut.skipped(r), total.skipped(r));
        }

        Map<String, Long> map = total.asMap();
        assertEquals(total.frames(), map.get("frames"));
        assertEquals(total.tcpSegments(), map.get("tcp_segments"));
        assertEquals(total.skipped(SkipReason.NON_TCP), map.get("skipped.non_tcp"));
        assertEquals(5 + SkipReason.values().length + FragmentEvent.values().length + 1, map.size());
        assertEquals(0L, map.get("fragments.reassembled"));
        assertEquals(0L, map.get("fragments.in_progress"));
        assertThrows(UnsupportedOperationException.class, () -> map.put("frames", 0L));

        String text = total.toString();
        assertTrue(text.startsWith("frames=" + total.frames() + " "), text);
        assertTrue(text.contains("non_tcp=" + total.skipped(SkipReason.NON_TCP)), text);
        assertTrue(!text.contains("ipv4_fragment"), "zero reasons are left out: " + text);

        DecodeStats copy = total.copy();
        total.merge(quic);
        assertEquals(quic.frames() + cut.frames(), copy.frames(), "a copy does not follow the original");
    }

    @Test
    void fragmentCountsAndTheGaugeMerge() {
        FragmentFixture a = FragmentFixture.v4();
        assertNull(a.offer(FragmentFixture.T0, 0, 64));
        assertEquals(1, a.stats.fragmentsInProgress());
        FragmentFixture b = FragmentFixture.v6();
        assertNull(b.offer(FragmentFixture.T0, 0, 64));
        assertNull(b.offer(FragmentFixture.T0, 0, 64));
        b.offer(FragmentFixture.T0, 64, b.part.length);
        DecodeStats total = new DecodeStats().merge(a.stats).merge(b.stats);
        assertEquals(1, total.fragments(FragmentEvent.REASSEMBLED));
        assertEquals(1, total.fragments(FragmentEvent.DUPLICATE));
        assertEquals(1, total.fragmentsInProgress(), "a's datagram never completed");
        assertEquals(Map.of("fragments.reassembled", 1L, "fragments.duplicate", 1L, "fragments.in_progress", 1L),
                total.nonZeroSkipsAndFragments());
        assertTrue(total.toString().endsWith(" fragments {reassembled=1, duplicate=1, in_progress=1}"), total.toString());
    }

    @Test
    void reasonCodesAreStable() {
        assertEquals("timed_out", FragmentEvent.TIMED_OUT.code());
        assertEquals("evicted_bytes_cap", FragmentEvent.EVICTED_BYTES_CAP.code());
        assertEquals("ipv4_fragment", SkipReason.IPV4_FRAGMENT.code());
        assertEquals("tcp_header_truncated", SkipReason.TCP_HEADER_TRUNCATED.code());
        assertEquals("frames=0 bytes=0 tcp_segments=0 truncated_frames=0 skipped=0", new DecodeStats().toString());
    }

    @Test
    void decoderRejectsBadArguments() {
        assertThrows(IllegalArgumentException.class, () -> new SegmentDecoder(null));
        assertThrows(IllegalArgumentException.class, () -> new SegmentDecoder(s -> { }, -1));
        assertTrue(LinkTypes.supported(LinkTypes.LINUX_SLL2));
        assertTrue(!LinkTypes.supported(147));
    }
}
