package dev.nfe.capture.decode;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Packets;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.ByteBuffer;
import java.util.List;

import static dev.nfe.capture.testdata.Packets.concat;
import static dev.nfe.capture.testdata.Packets.ethernetHeader;
import static dev.nfe.capture.testdata.Packets.greHeader;
import static dev.nfe.capture.testdata.Packets.ipv4Header;
import static dev.nfe.capture.testdata.Packets.ipv6Header;
import static dev.nfe.capture.testdata.Packets.udpHeader;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Tunnels the corpus does not have (IP-in-IP, 4in6, 6in6, GRE in all its header variants, ERSPAN,
 * Geneve carrying IP, nested tunnels, the depth limit), wrapped around real TLS packets from the
 * corpus. The segment must be the inner packet's, exactly as decoded without the tunnel.
 */
class EncapsulationTest {
    private static RecordedFrame v4Frame;
    private static RecordedFrame v6Frame;
    private static byte[] v4;
    private static byte[] v6;
    private static TcpSegment v4Segment;
    private static TcpSegment v6Segment;

    @BeforeAll
    static void realPackets() {
        v4Frame = Packets.frame(Packets.V4_CAPTURE, Packets.V4_FRAME);
        v6Frame = Packets.frame(Packets.V6_CAPTURE, Packets.V6_FRAME);
        v4 = Packets.ipOf(v4Frame);
        v6 = Packets.ipOf(v6Frame);
        v4Segment = only(Decoded.of(List.of(v4Frame)));
        v6Segment = only(Decoded.of(List.of(v6Frame)));
        assertTrue(v4Segment.payloadLength() > 200 && !v4Segment.src().ip().v6());
        assertTrue(v6Segment.payloadLength() > 200 && v6Segment.src().ip().v6());
    }

    @Test
    void ipInIp() {
        byte[] outer = ipv4Header(4, v4.length, 9, 0x1111, "192.0.2.1", "192.0.2.2");
        assertInner(v4Segment, ethernet(0x0800, outer, v4));
    }

    @Test
    void ipv4InIpv6AndIpv6InIpv6AndIpv6InIpv4() {
        assertInner(v4Segment, ethernet(0x86dd, ipv6Header(4, v4.length, 3, "2001:db8::1", "2001:db8::2"), v4));
        assertInner(v6Segment, ethernet(0x86dd, ipv6Header(41, v6.length, 3, "2001:db8::1", "2001:db8::2"), v6));
        assertInner(v6Segment, ethernet(0x0800, ipv4Header(41, v6.length, 3, 1, "192.0.2.1", "192.0.2.2"), v6));
    }

    @ParameterizedTest(name = "GRE flags 0x{0}")
    @ValueSource(ints = {0x0000, 0x8000, 0x2000, 0x1000, 0xb000})
    void greWithOptionalWords(int flags) {
        byte[] gre4 = greHeader(flags, 0x0800);
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, gre4.length + v4.length, 60, 7, "198.51.100.1", "198.51.100.2"), gre4, v4));
        byte[] gre6 = greHeader(flags, 0x86dd);
        assertInner(v6Segment, ethernet(0x86dd, ipv6Header(47, gre6.length + v6.length, 60, "2001:db8::a", "2001:db8::b"), gre6, v6));
    }

    @Test
    void greCarryingEthernetAndErspan() {
        byte[] inner = v4Frame.data();
        byte[] bridged = greHeader(0x2000, 0x6558);
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, bridged.length + inner.length, 64, 1, "10.9.9.1", "10.9.9.2"), bridged, inner));

        byte[] erspan1 = greHeader(0, 0x88be);
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, erspan1.length + inner.length, 64, 1, "10.9.9.1", "10.9.9.2"), erspan1, inner));

        byte[] erspan2 = concat(greHeader(0x1000, 0x88be), ByteBuffer.allocate(8).putInt(0x100a0001).putInt(0x00000042).array());
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, erspan2.length + inner.length, 64, 1, "10.9.9.1", "10.9.9.2"), erspan2, inner));

        byte[] erspan3 = concat(greHeader(0x1000, 0x22eb), new byte[] {0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0});
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, erspan3.length + inner.length, 64, 1, "10.9.9.1", "10.9.9.2"), erspan3, inner));

        byte[] erspan3sub = concat(greHeader(0x1000, 0x22eb), new byte[] {0x20, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1}, new byte[8]);
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(47, erspan3sub.length + inner.length, 64, 1, "10.9.9.1", "10.9.9.2"), erspan3sub, inner));
    }

    @Test
    void greVariantsNotDecodedAreCounted() {
        byte[] pptp = greHeader(0x2001, 0x880b);
        assertSkipped(SkipReason.UNSUPPORTED_ENCAPSULATION, ethernet(0x0800, ipv4Header(47, pptp.length + v4.length, 64, 1, "10.0.0.1", "10.0.0.2"), pptp, v4));
        byte[] routed = greHeader(0x4000, 0x0800);
        assertSkipped(SkipReason.UNSUPPORTED_ENCAPSULATION, ethernet(0x0800, ipv4Header(47, routed.length + v4.length, 64, 1, "10.0.0.1", "10.0.0.2"), routed, v4));
        byte[] ppp = greHeader(0, 0x880b);
        assertSkipped(SkipReason.NON_IP, ethernet(0x0800, ipv4Header(47, ppp.length + v4.length, 64, 1, "10.0.0.1", "10.0.0.2"), ppp, v4));
    }

    @Test
    void vxlanOverIpv6AndGeneveCarryingIp() {
        byte[] inner = v4Frame.data();
        byte[] vxlan = concat(udpHeader(51234, 4789, 8 + inner.length), new byte[] {0x08, 0, 0, 0, 0, 0, 0x2a, 0});
        assertInner(v4Segment, ethernet(0x86dd, ipv6Header(17, vxlan.length + inner.length, 64, "2001:db8::1", "2001:db8::2"), vxlan, inner));

        // Geneve with 8 bytes of options, protocol IPv4 directly, and IPv6, and bridged Ethernet
        byte[] options = {0x01, 0x02, 0x03, 0x01, 0, 0, 0, 0};
        byte[] g4 = concat(udpHeader(40000, 6081, 16 + v4.length), new byte[] {0x02, 0, 0x08, 0x00, 0, 0, 0x2a, 0}, options);
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(17, g4.length + v4.length, 64, 1, "10.1.1.1", "10.1.1.2"), g4, v4));
        byte[] g6 = concat(udpHeader(40000, 6081, 16 + v6.length), new byte[] {0x02, 0, (byte) 0x86, (byte) 0xdd, 0, 0, 0x2a, 0}, options);
        assertInner(v6Segment, ethernet(0x0800, ipv4Header(17, g6.length + v6.length, 64, 1, "10.1.1.1", "10.1.1.2"), g6, v6));
        byte[] geth = concat(udpHeader(40000, 6081, 8 + inner.length), new byte[] {0, 0, 0x65, 0x58, 0, 0, 0x2a, 0});
        assertInner(v4Segment, ethernet(0x0800, ipv4Header(17, geth.length + inner.length, 64, 1, "10.1.1.1", "10.1.1.2"), geth, inner));

        byte[] odd = concat(udpHeader(40000, 6081, 8 + v4.length), new byte[] {0, 0, 0x12, 0x34, 0, 0, 0x2a, 0});
        assertSkipped(SkipReason.UNSUPPORTED_ENCAPSULATION, ethernet(0x0800, ipv4Header(17, odd.length + v4.length, 64, 1, "10.1.1.1", "10.1.1.2"), odd, v4));
    }

    @Test
    void plainUdpAndIcmpAreNotTcp() {
        byte[] dns = concat(udpHeader(5353, 53, v4.length), v4);
        assertSkipped(SkipReason.NON_TCP, ethernet(0x0800, ipv4Header(17, dns.length, 64, 1, "10.1.1.1", "10.1.1.2"), dns));
        // an ICMP "destination unreachable" quoting the real packet's headers
        byte[] icmp = concat(new byte[] {3, 3, 0, 0, 0, 0, 0, 0}, java.util.Arrays.copyOf(v4, 48));
        assertSkipped(SkipReason.NON_TCP, ethernet(0x0800, ipv4Header(1, icmp.length, 64, 1, "10.1.1.1", "10.1.1.2"), icmp));
    }

    @Test
    void nestedTunnelsUpToTheLimit() {
        // IPv6 / UDP / VXLAN / Ethernet / IPv4 / GRE(key) / IPv4 / TCP: two tunnels
        byte[] gre = greHeader(0x2000, 0x0800);
        byte[] innerEthernet = concat(ethernetHeader(0x0800), ipv4Header(47, gre.length + v4.length, 30, 2, "172.16.0.1", "172.16.0.2"), gre, v4);
        byte[] vxlan = concat(udpHeader(1, 4789, 8 + innerEthernet.length), new byte[] {0x08, 0, 0, 0, 0, 0, 1, 0});
        assertInner(v4Segment, ethernet(0x86dd, ipv6Header(17, vxlan.length + innerEthernet.length, 64, "2001:db8::1", "2001:db8::2"), vxlan, innerEthernet));

        assertInner(v4Segment, ipInIp(4));
        assertSkipped(SkipReason.TUNNEL_TOO_DEEP, ipInIp(5));
        List<TcpSegment> none = new java.util.ArrayList<>();
        SegmentDecoder strict = new SegmentDecoder(none::add, 0);
        RecordedFrame once = Packets.frame(v4Frame, 1, ipInIp(1));
        strict.frame(1, 0, 1, once.data(), 0, once.data().length, once.data().length);
        assertEquals(1, strict.stats().skipped(SkipReason.TUNNEL_TOO_DEEP));
        assertTrue(none.isEmpty());
    }

    /** Ethernet / IPv4 / ({@code tunnels} x IPv4 in IPv4) / the real packet. */
    private static byte[] ipInIp(int tunnels) {
        byte[] packet = v4;
        for (int i = 0; i < tunnels; i++) {
            packet = concat(ipv4Header(4, packet.length, 10 + i, i, "10.0.0." + (i + 1), "10.0.1." + (i + 1)), packet);
        }
        return concat(ethernetHeader(0x0800), packet);
    }

    private static byte[] ethernet(int ethertype, byte[]... rest) {
        return concat(ethernetHeader(ethertype), concat(rest));
    }

    private static void assertInner(TcpSegment expected, byte[] frame) {
        Decoded d = Decoded.of(List.of(new RecordedFrame(expected.frame(), expected.timestampNanos(), 1, frame, frame.length)));
        assertEquals(0, d.stats().skipped(), () -> "skipped: " + d.skips());
        Segments.assertSame(List.of(expected), d.segments(), "inner packet");
    }

    private static void assertSkipped(SkipReason reason, byte[] frame) {
        Decoded d = Decoded.of(List.of(Packets.frame(v4Frame, 1, frame)));
        assertEquals(List.of(), d.segments());
        assertEquals(java.util.Map.of(v4Frame.number(), reason), d.skips());
    }

    static TcpSegment only(Decoded d) {
        assertEquals(1, d.segments().size(), () -> "expected one segment, skips " + d.skips());
        return d.segments().get(0);
    }
}
