package dev.nfe.capture.decode;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Fragmenter;
import dev.nfe.capture.testdata.Packets;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;

import static dev.nfe.capture.testdata.Packets.concat;
import static dev.nfe.capture.testdata.Packets.ethernetHeader;
import static dev.nfe.capture.testdata.Packets.greHeader;
import static dev.nfe.capture.testdata.Packets.ipv4Header;
import static dev.nfe.capture.testdata.Packets.ipv6Header;
import static dev.nfe.capture.testdata.Packets.udpHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Fragmented real packets through the whole decoder: the segment must be the unfragmented
 * packet's, in the frame (number and time) of the fragment that completed it, with the TTL of
 * the offset-0 fragment; every other fragment is one counted skip. Also inside tunnels, around
 * them, and with the reader's buffers reused afterwards.
 */
class FragmentDecodeTest {
    private static final long T = 1_700_000_000_000_000_000L;
    private static byte[] v4;
    private static byte[] v6;
    private static TcpSegment v4Segment;
    private static TcpSegment v6Segment;

    @BeforeAll
    static void realPackets() {
        RecordedFrame v4Frame = Packets.frame(Packets.V4_CAPTURE, Packets.V4_FRAME);
        RecordedFrame v6Frame = Packets.frame(Packets.V6_CAPTURE, Packets.V6_FRAME);
        v4 = Packets.ipOf(v4Frame);
        v6 = Packets.ipOf(v6Frame);
        v4Segment = EncapsulationTest.only(Decoded.of(List.of(v4Frame)));
        v6Segment = EncapsulationTest.only(Decoded.of(List.of(v6Frame)));
    }

    /** Frames 1..n, one per packet, 1 ms apart, each packet wrapped by {@code wrap}. */
    private static List<RecordedFrame> frames(List<byte[]> packets, java.util.function.Function<byte[], byte[]> wrap) {
        List<RecordedFrame> out = new ArrayList<>();
        for (int i = 0; i < packets.size(); i++) {
            byte[] data = wrap.apply(packets.get(i));
            out.add(new RecordedFrame(i + 1, T + i * 1_000_000L, 1, data, data.length));
        }
        return out;
    }

    private static byte[] ethernet(byte[] ip) {
        return concat(ethernetHeader((ip[0] & 0xf0) == 0x60 ? 0x86dd : 0x0800), ip);
    }

    /** The segment a decoder makes of the whole packet, as if it had been seen in {@code frame}. */
    static TcpSegment seenIn(TcpSegment s, RecordedFrame frame) {
        return new TcpSegment(frame.timestampNanos(), frame.number(), s.src(), s.dst(), s.seq(), s.ack(), s.flags(),
                s.window(), s.ttl(), s.ipId(), s.payloadLength(), s.payload(), s.truncated());
    }

    private static void assertOneSegment(TcpSegment whole, List<RecordedFrame> frames, SkipReason held, String what) {
        assertOneSegment(whole, frames, held, 1, what);
    }

    private static void assertOneSegment(TcpSegment whole, List<RecordedFrame> frames, SkipReason held, int datagrams,
                                         String what) {
        Decoded d = Decoded.of(frames);
        RecordedFrame last = frames.get(frames.size() - 1);
        Segments.assertSame(List.of(seenIn(whole, last)), d.segments(), what);
        assertEquals(frames.size() - 1, d.skips().size(), what);
        assertTrue(d.skips().values().stream().allMatch(r -> r == held), what + ": " + d.skips());
        assertEquals(d.stats().frames(), d.stats().tcpSegments() + d.stats().skipped(), what);
        assertEquals(datagrams, d.stats().fragments(FragmentEvent.REASSEMBLED), what);
        assertEquals(0, d.stats().fragmentsInProgress(), what);
    }

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void everyFragmentSizeInOrderAndReversed(boolean isV6) {
        byte[] ip = isV6 ? v6 : v4;
        TcpSegment whole = isV6 ? v6Segment : v4Segment;
        SkipReason held = isV6 ? SkipReason.IPV6_FRAGMENT : SkipReason.IPV4_FRAGMENT;
        int payload = Fragmenter.payload(ip).length;
        for (int size = 8; size < payload; size += 8) {
            List<byte[]> pieces = Fragmenter.split(ip, size, 0x5eed);
            assertOneSegment(whole, frames(pieces, FragmentDecodeTest::ethernet), held, "size " + size);
            Collections.reverse(pieces);
            assertOneSegment(whole, frames(pieces, FragmentDecodeTest::ethernet), held, "size " + size + " reversed");
        }
    }

    /** The offset-0 fragment holds the TCP header, so its TTL is the segment's, whichever fragment comes last. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void theSegmentCarriesTheFirstFragmentsTtlAndTheDatagramsIpId(boolean isV6) {
        byte[] ip = isV6 ? v6 : v4;
        List<byte[]> pieces = Fragmenter.split(ip, 64, 77);
        for (int i = 1; i < pieces.size(); i++) {
            pieces.get(i)[isV6 ? 7 : 8] = (byte) 200;
        }
        TcpSegment s = EncapsulationTest.only(Decoded.of(frames(pieces, FragmentDecodeTest::ethernet)));
        TcpSegment whole = isV6 ? v6Segment : v4Segment;
        assertEquals(whole.ttl(), s.ttl());
        assertEquals(whole.ipId(), s.ipId());
        assertEquals(pieces.size(), s.frame());
    }

    @Test
    void fragmentsInsideTunnels() {
        List<byte[]> inner = Fragmenter.split(v4, 48, 0);
        assertOneSegment(v4Segment, frames(inner, p -> concat(ethernetHeader(0x0800),
                ipv4Header(4, p.length, 9, 0x1111, "192.0.2.1", "192.0.2.2"), p)), SkipReason.IPV4_FRAGMENT, "IP-in-IP");
        byte[] gre = greHeader(0x2000, 0x86dd);
        assertOneSegment(v6Segment, frames(Fragmenter.split(v6, 96, 9), p -> concat(ethernetHeader(0x86dd),
                ipv6Header(47, gre.length + p.length, 60, "2001:db8::a", "2001:db8::b"), gre, p)),
                SkipReason.IPV6_FRAGMENT, "IPv6 in GRE over IPv6");
        byte[] vxlan = {0x08, 0, 0, 0, 0, 0, 0x2a, 0};
        assertOneSegment(v4Segment, frames(inner, p -> {
            byte[] innerFrame = concat(ethernetHeader(0x0800), p);
            return concat(ethernetHeader(0x0800), ipv4Header(17, 8 + vxlan.length + innerFrame.length, 64, 3,
                    "10.1.1.1", "10.1.1.2"), udpHeader(50000, 4789, vxlan.length + innerFrame.length), vxlan, innerFrame);
        }), SkipReason.IPV4_FRAGMENT, "VXLAN");
    }

    /** The tunnel packet itself fragmented on the way (outer fragments), IPv4 and IPv6 outside. */
    @Test
    void fragmentedTunnelPackets() {
        byte[] gre = greHeader(0, 0x0800);
        byte[] outer4 = concat(ipv4Header(47, gre.length + v4.length, 60, 0x0bad, "198.51.100.1", "198.51.100.2"), gre, v4);
        assertOneSegment(v4Segment, frames(Fragmenter.split(outer4, 64, 0), FragmentDecodeTest::ethernet),
                SkipReason.IPV4_FRAGMENT, "outer IPv4");
        byte[] outer6 = concat(ipv6Header(41, v6.length, 60, "2001:db8::1", "2001:db8::2"), v6);
        assertOneSegment(v6Segment, frames(Fragmenter.split(outer6, 104, 3), FragmentDecodeTest::ethernet),
                SkipReason.IPV6_FRAGMENT, "outer IPv6");
        // outer and inner fragmentation at once: the inner fragments travel in fragmented outer packets
        List<byte[]> outerFragments = new ArrayList<>();
        int outerDatagrams = 0;
        for (byte[] innerFragment : Fragmenter.split(v4, 64, 0)) {
            byte[] packet = concat(ipv4Header(4, innerFragment.length, 50, 0x4000 + outerFragments.size(), "192.0.2.1",
                    "192.0.2.2"), innerFragment);
            List<byte[]> pieces = Fragmenter.split(packet, 40, 0);
            outerDatagrams += pieces.size() > 1 ? 1 : 0; // one piece is the whole packet, not a fragment
            outerFragments.addAll(pieces);
        }
        assertOneSegment(v4Segment, frames(outerFragments, FragmentDecodeTest::ethernet), SkipReason.IPV4_FRAGMENT,
                outerDatagrams + 1, "outer and inner");
    }

    /** ICMP, ICMPv6 and ESP can never lead to TCP: their fragments are skipped at once, nothing is held. */
    @Test
    void fragmentsOfProtocolsThatCannotCarryTcpAreNotHeld() {
        byte[] icmp = v4.clone();
        icmp[9] = 1;
        byte[] icmp6 = v6.clone();
        icmp6[6] = 58;
        byte[] esp = v6.clone();
        esp[6] = 50;
        Map<byte[], SkipReason> cases = Map.of(icmp, SkipReason.NON_TCP, icmp6, SkipReason.NON_TCP,
                esp, SkipReason.ENCRYPTED);
        for (Map.Entry<byte[], SkipReason> c : cases.entrySet()) {
            List<byte[]> pieces = Fragmenter.split(c.getKey(), 64, 1);
            Decoded d = Decoded.of(frames(pieces, FragmentDecodeTest::ethernet));
            assertEquals(List.of(), d.segments());
            assertEquals(pieces.size(), d.skips().size());
            assertTrue(d.skips().values().stream().allMatch(r -> r == c.getValue()), d.skips().toString());
            assertEquals(0, d.stats().fragmentsInProgress() + d.stats().fragments(FragmentEvent.REASSEMBLED));
        }
    }

    /** Two tunnels with the same inner addresses and IP ID (overlapping private ranges): their fragments must not mix. */
    @Test
    void equalInnerKeysInDifferentTunnelsDoNotMix() {
        byte[] other = v4.clone();
        other[other.length - 1] ^= (byte) 0xff;
        List<byte[]> a = Fragmenter.split(v4, 64, 0);
        List<byte[]> b = Fragmenter.split(other, 64, 0);
        List<byte[]> packets = new ArrayList<>();
        for (int i = 0; i < a.size(); i++) {
            packets.add(concat(ipv4Header(4, a.get(i).length, 9, i, "192.0.2.1", "192.0.2.2"), a.get(i)));
            packets.add(concat(ipv4Header(4, b.get(i).length, 9, i, "192.0.2.77", "192.0.2.2"), b.get(i)));
        }
        Decoded d = Decoded.of(frames(packets, FragmentDecodeTest::ethernet));
        assertEquals(2, d.segments().size(), d.skips().toString());
        assertEquals(v4Segment.payload(), d.segments().get(0).payload());
        int last = v4Segment.payloadLength() - 1;
        assertEquals(0xff ^ v4Segment.payload().get(last), d.segments().get(1).payload().get(last));
    }

    /** The reader may reuse its buffers; a rebuilt datagram's payload is its own array, even when frames are shared. */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void rebuiltPayloadsDoNotDependOnTheFrameBuffers(boolean share) {
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add, 4, new DecodeStats(), share);
        List<RecordedFrame> frames = frames(Fragmenter.split(v4, 24, 0), FragmentDecodeTest::ethernet);
        for (RecordedFrame f : frames) {
            decoder.frame(f.number(), f.timestampNanos(), 1, f.data(), 0, f.data().length, f.originalLength());
        }
        for (RecordedFrame f : frames) {
            Arrays.fill(f.data(), (byte) 0x5a);
        }
        Segments.assertSame(List.of(seenIn(v4Segment, frames.get(frames.size() - 1))), out, "after the buffers changed");
    }

    /** The timeout is checked on every frame's timestamp, not only when another fragment comes. */
    @Test
    void timeoutsRunOnEveryFramesCaptureTime() {
        List<RecordedFrame> frames = new ArrayList<>(frames(Fragmenter.split(v4, 64, 0).subList(0, 1),
                FragmentDecodeTest::ethernet));
        byte[] whole = ethernet(v6);
        frames.add(new RecordedFrame(2, T + 29_000_000_000L, 1, whole, whole.length));
        frames.add(new RecordedFrame(3, T + 30_000_000_001L, 1, whole, whole.length));
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        for (int i = 0; i < frames.size(); i++) {
            RecordedFrame f = frames.get(i);
            decoder.frame(f.number(), f.timestampNanos(), 1, f.data(), 0, f.data().length, f.originalLength());
            assertEquals(i < 2 ? 1 : 0, decoder.stats().fragmentsInProgress(), "after frame " + f.number());
        }
        assertEquals(1, decoder.stats().fragments(FragmentEvent.TIMED_OUT));
        assertEquals(2, out.size());
    }

    /**
     * Fragments of fragments (an IPv6 datagram whose payload is another Fragment header): each
     * level of rebuilding counts like a tunnel, so a crafted chain cannot recurse without bound.
     */
    @Test
    void nestedReassemblyIsBounded() {
        byte[] part = Fragmenter.payload(v6);
        List<byte[]> packets = new ArrayList<>();
        int half = (part.length / 2) & ~7;
        int[][] innerPieces = {{0, half}, {half, part.length}};
        for (int i = 0; i < 2; i++) {
            int from = innerPieces[i][0];
            int to = innerPieces[i][1];
            byte[] innerHeader = ByteBuffer.allocate(8).put((byte) 6).put((byte) 0)
                    .putShort((short) ((from / 8) << 3 | (i == 0 ? 1 : 0))).putInt(0xabcd).array();
            byte[] outerPayload = concat(innerHeader, Arrays.copyOfRange(part, from, to));
            byte[] packet = concat(ipv6Header(44, outerPayload.length, 64, "2001:db8::1", "2001:db8::2"), outerPayload);
            packets.addAll(Fragmenter.split(packet, 40, 100 + i));
        }
        List<RecordedFrame> frames = frames(packets, FragmentDecodeTest::ethernet);
        Decoded d = Decoded.of(frames);
        assertEquals(1, d.segments().size(), d.skips().toString());
        assertEquals(v6Segment.payload(), d.segments().get(0).payload());
        assertEquals(3, d.stats().fragments(FragmentEvent.REASSEMBLED));

        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder flat = new SegmentDecoder(out::add, 0);
        Map<Long, SkipReason> skips = new java.util.TreeMap<>();
        dev.nfe.capture.testdata.Frames.replay(frames, Decoded.skipRecorder(flat, skips));
        assertEquals(List.of(), out);
        assertEquals(SkipReason.TUNNEL_TOO_DEEP, skips.get((long) frames.size()));
    }

    @Test
    void fragmentCountsReachTheReports() {
        Decoded d = Decoded.of(frames(Fragmenter.split(v4, 8, 0), FragmentDecodeTest::ethernet));
        Map<String, Long> all = d.stats().asMap();
        assertEquals(1L, all.get("fragments.reassembled"));
        assertEquals(1L, all.get("fragments.tiny_first"));
        assertEquals(0L, all.get("fragments.timed_out"));
        assertEquals(0L, all.get("fragments.in_progress"));
        Map<String, Long> report = d.stats().nonZeroSkipsAndFragments();
        assertEquals(Map.of("ipv4_fragment", d.stats().frames() - 1, "fragments.reassembled", 1L,
                "fragments.tiny_first", 1L), report);
        assertTrue(d.stats().toString().contains("fragments {reassembled=1, tiny_first=1}"), d.stats().toString());
    }
}
