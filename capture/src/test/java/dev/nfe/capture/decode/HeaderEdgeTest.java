package dev.nfe.capture.decode;

import dev.nfe.capture.TcpFlags;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Packets;
import dev.nfe.capture.testdata.RecordedFrame;
import dev.nfe.capture.testdata.Segments;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static dev.nfe.capture.testdata.Packets.concat;
import static dev.nfe.capture.testdata.Packets.ethernetHeader;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Link and IP header variants around real corpus packets: stacked VLAN tags, MPLS, PPPoE, IPv4
 * options, Ethernet padding, TSO length 0, IPv6 extension headers, lone fragments, IPsec, snap-length
 * truncation at every length, and malformed headers.
 */
class HeaderEdgeTest {
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
        v4Segment = EncapsulationTest.only(Decoded.of(List.of(v4Frame)));
        v6Segment = EncapsulationTest.only(Decoded.of(List.of(v6Frame)));
    }

    @Test
    void stackedVlanTags() {
        byte[] tags = {(byte) 0x88, (byte) 0xa8, 0x00, 0x64, (byte) 0x81, 0x00, 0x00, (byte) 0xc8,
                (byte) 0x91, 0x00, 0x01, 0x2c, 0x08, 0x00};
        byte[] frame = concat(Arrays.copyOf(v4Frame.data(), 12), tags, v4);
        assertSegment(v4Segment, frame);
    }

    @Test
    void mplsLabelStack() {
        byte[] labels = {0x00, 0x01, 0x00, 0x40, 0x00, 0x02, 0x01, 0x40}; // two labels, S on the second
        assertSegment(v4Segment, concat(ethernetHeader(0x8847), labels, v4));
        assertSegment(v6Segment, concat(ethernetHeader(0x8847), labels, v6));
        byte[] pseudowire = concat(ethernetHeader(0x8847), labels, new byte[4], v4Frame.data());
        assertSkipped(SkipReason.UNSUPPORTED_ENCAPSULATION, pseudowire);
    }

    @Test
    void pppoeWithAndWithoutProtocolCompression() {
        byte[] full = ByteBuffer.allocate(8).put((byte) 0x11).put((byte) 0).putShort((short) 0x0f07)
                .putShort((short) (v4.length + 2)).putShort((short) 0x0021).array();
        assertSegment(v4Segment, concat(ethernetHeader(0x8864), full, v4, new byte[6]));
        byte[] compressed = ByteBuffer.allocate(7).put((byte) 0x11).put((byte) 0).putShort((short) 0x0f07)
                .putShort((short) (v6.length + 1)).put((byte) 0x57).array();
        assertSegment(v6Segment, concat(ethernetHeader(0x8864), compressed, v6));
        byte[] lcp = ByteBuffer.allocate(8).put((byte) 0x11).put((byte) 0).putShort((short) 1).putShort((short) 6)
                .putShort((short) 0xc021).array();
        assertSkipped(SkipReason.NON_IP, concat(ethernetHeader(0x8864), lcp, new byte[4]));
    }

    @Test
    void ipv4OptionsAreSkippedByIhl() {
        byte[] withOptions = concat(Arrays.copyOf(v4, 20), new byte[] {1, 1, 1, 0, 1, 1, 1, 0}, Arrays.copyOfRange(v4, 20, v4.length));
        withOptions[0] = 0x47;
        putShort(withOptions, 2, v4.length + 8);
        assertSegment(v4Segment, concat(ethernetHeader(0x0800), withOptions));
    }

    @Test
    void ethernetPaddingAndTrailerAreNotPayload() {
        byte[] padded = concat(v4Frame.data(), new byte[] {(byte) 0xde, (byte) 0xad, (byte) 0xbe, (byte) 0xef, 1, 2, 3, 4});
        assertSegment(v4Segment, padded);
    }

    @Test
    void ipv4TotalLengthZeroTakesTheFrameLength() {
        byte[] tso = v4Frame.data().clone();
        putShort(tso, 14 + 2, 0);
        assertSegment(v4Segment, tso);
    }

    @Test
    void ipv6ExtensionHeadersAreWalked() {
        byte[] hopByHop = {60, 0, 1, 4, 0, 0, 0, 0};                                          // PadN
        byte[] destination = {43, 1, 1, 12, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0};             // 16 bytes
        byte[] routing = {44, 0, 4, 0, 0, 0, 0, 0};                                           // segments left 0
        byte[] atomicFragment = {51, 0, 0, 0, 0x12, 0x34, 0x56, 0x78};                        // offset 0, M 0
        byte[] ah = {6, 2, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4};                         // 16 bytes: (2+2)*4
        byte[] extensions = concat(hopByHop, destination, routing, atomicFragment, ah);
        byte[] packet = concat(Arrays.copyOf(v6, 40), extensions, Arrays.copyOfRange(v6, 40, v6.length));
        packet[6] = 0;
        putShort(packet, 4, v6.length - 40 + extensions.length);
        assertSegment(v6Segment, concat(ethernetHeader(0x86dd), packet));
    }

    /** A fragment alone completes nothing: it is held (FragmentDecodeTest rebuilds whole trains); DF alone is no fragment. */
    @Test
    void aLoneFragmentIsHeldNotDecoded() {
        byte[] moreFragments = v4.clone();
        putShort(moreFragments, 6, 0x2000);
        assertSkipped(SkipReason.IPV4_FRAGMENT, concat(ethernetHeader(0x0800), moreFragments));
        byte[] laterFragment = v4.clone();
        putShort(laterFragment, 6, 0x00b9);
        assertSkipped(SkipReason.IPV4_FRAGMENT, concat(ethernetHeader(0x0800), laterFragment));
        byte[] dontFragment = v4.clone();
        putShort(dontFragment, 6, 0x4000);
        assertSegment(v4Segment, concat(ethernetHeader(0x0800), dontFragment));

        for (int field : new int[] {0x0001, 0x00b8, 0x00b9}) {
            byte[] fragment = ByteBuffer.allocate(8).put((byte) 6).put((byte) 0).putShort((short) field).putInt(99).array();
            byte[] packet = concat(Arrays.copyOf(v6, 40), fragment, Arrays.copyOfRange(v6, 40, v6.length));
            packet[6] = 44;
            putShort(packet, 4, v6.length - 40 + 8);
            assertSkipped(SkipReason.IPV6_FRAGMENT, concat(ethernetHeader(0x86dd), packet));
        }
    }

    @Test
    void ipsecAndNoNextHeader() {
        byte[] ah = {6, 4, 0, 0, 0, 0, 0, 1, 0, 0, 0, 9, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12};  // (4+2)*4 = 24
        byte[] v4ah = concat(Arrays.copyOf(v4, 20), ah, Arrays.copyOfRange(v4, 20, v4.length));
        v4ah[9] = 51;
        putShort(v4ah, 2, v4.length + ah.length);
        assertSegment(v4Segment, concat(ethernetHeader(0x0800), v4ah));

        byte[] esp = v4.clone();
        esp[9] = 50;
        assertSkipped(SkipReason.ENCRYPTED, concat(ethernetHeader(0x0800), esp));
        byte[] esp6 = v6.clone();
        esp6[6] = 50;
        assertSkipped(SkipReason.ENCRYPTED, concat(ethernetHeader(0x86dd), esp6));
        byte[] none = v6.clone();
        none[6] = 59;
        assertSkipped(SkipReason.NO_NEXT_HEADER, concat(ethernetHeader(0x86dd), none));
    }

    @Test
    void snapLengthCutAtEveryLength() {
        for (RecordedFrame real : List.of(v4Frame, v6Frame)) {
            TcpSegment whole = real == v4Frame ? v4Segment : v6Segment;
            byte[] data = real.data();
            int ipHeader = real == v4Frame ? (data[14] & 0x0f) * 4 : 40;
            int tcpStart = 14 + ipHeader;
            int payloadStart = tcpStart + ((data[tcpStart + 12] & 0xf0) >>> 4) * 4;
            for (int cut = 0; cut <= data.length; cut++) {
                RecordedFrame f = new RecordedFrame(real.number(), real.timestampNanos(), 1, Arrays.copyOf(data, cut), data.length);
                Decoded d = Decoded.of(List.of(f));
                assertEquals(1, d.stats().frames());
                assertEquals(cut < data.length ? 1 : 0, d.stats().truncatedFrames());
                if (cut < tcpStart) {
                    assertEquals(Map.of(real.number(), SkipReason.TRUNCATED), d.skips(), "cut at " + cut);
                } else if (cut < payloadStart) {
                    assertEquals(Map.of(real.number(), SkipReason.TCP_HEADER_TRUNCATED), d.skips(), "cut at " + cut);
                } else {
                    TcpSegment s = EncapsulationTest.only(d);
                    assertEquals(whole.payloadLength(), s.payloadLength(), "cut at " + cut);
                    assertEquals(cut < data.length, s.truncated(), "cut at " + cut);
                    assertEquals(cut - payloadStart, s.payload().length());
                    assertArrayEquals(Arrays.copyOfRange(data, payloadStart, cut), s.payload().toByteArray());
                    assertEquals(whole.seq(), s.seq());
                }
            }
        }
    }

    @Test
    void malformedHeadersAreCountedNotThrown() {
        byte[] ihl4 = v4.clone();
        ihl4[0] = 0x44;
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), ihl4));
        byte[] wrongVersion = v4.clone();
        wrongVersion[0] = 0x65;
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), wrongVersion));
        byte[] totalBelowHeader = v4.clone();
        putShort(totalBelowHeader, 2, 19);
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), totalBelowHeader));
        int tcp = (v4[0] & 0x0f) * 4;
        byte[] offset4 = v4.clone();
        offset4[tcp + 12] = (byte) ((offset4[tcp + 12] & 0x0f) | 0x40);
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), offset4));
        byte[] offsetPastPacket = Arrays.copyOf(v4, tcp + 40);
        putShort(offsetPastPacket, 2, tcp + 40);
        offsetPastPacket[tcp + 12] = (byte) 0xf0;
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), offsetPastPacket));
        byte[] extensionTooLong = v6.clone();
        extensionTooLong[6] = 60;
        extensionTooLong[41] = (byte) 0xff;
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x86dd), extensionTooLong));
        assertSkipped(SkipReason.MALFORMED, Arrays.copyOf(v4Frame.data(), 10));
        assertSkipped(SkipReason.MALFORMED, concat(ethernetHeader(0x0800), Arrays.copyOf(v4, 12)));
    }

    @Test
    void nonIpFrames() {
        assertSkipped(SkipReason.NON_IP, concat(ethernetHeader(0x0806), new byte[28]));
        assertSkipped(SkipReason.NON_IP, concat(ethernetHeader(46), new byte[46]));
        assertSkipped(SkipReason.NON_IP, concat(ethernetHeader(0x88cc), new byte[40]));
    }

    @Test
    void everyFlagBitAndUnsignedSequenceNumbers() {
        int tcp = 14 + (v4[0] & 0x0f) * 4;
        for (int bit = 0; bit < 9; bit++) {
            byte[] frame = v4Frame.data().clone();
            frame[tcp + 12] = (byte) ((frame[tcp + 12] & 0xf0) | (bit == 8 ? 1 : 0));
            frame[tcp + 13] = (byte) (bit < 8 ? 1 << bit : 0);
            putInt(frame, tcp + 4, 0xffffffff);
            putInt(frame, tcp + 8, 0x80000000);
            TcpSegment s = EncapsulationTest.only(Decoded.of(List.of(Packets.frame(v4Frame, 1, frame))));
            assertEquals(1 << bit, s.flags(), TcpFlags.describe(s.flags()));
            assertEquals(0xffffffffL, s.seq());
            assertEquals(0x80000000L, s.ack());
        }
        assertTrue(v4Segment.ackFlag() && !v4Segment.syn() && !v4Segment.rst() && !v4Segment.fin());
        assertFalse(v4Segment.truncated());
        assertEquals(v4Segment.payloadLength(), v4Segment.payload().length());
    }

    private static void assertSegment(TcpSegment expected, byte[] frame) {
        Decoded d = Decoded.of(List.of(new RecordedFrame(expected.frame(), expected.timestampNanos(), 1, frame, frame.length)));
        assertEquals(Map.of(), d.skips());
        Segments.assertSame(List.of(expected), d.segments(), "segment");
    }

    private static void assertSkipped(SkipReason reason, byte[] frame) {
        Decoded d = Decoded.of(List.of(Packets.frame(v4Frame, 1, frame)));
        assertEquals(List.of(), d.segments());
        assertEquals(Map.of(v4Frame.number(), reason), d.skips());
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int off, int v) {
        putShort(b, off, v >>> 16);
        putShort(b, off + 2, v);
    }
}
