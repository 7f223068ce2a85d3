package dev.nfe.capture.testdata;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.file.CaptureFiles;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;

/**
 * Real packets from the corpus, and the few headers no corpus capture carries around them (tunnel
 * and extension headers), built field by field so that tests can wrap real IP packets in them.
 */
public final class Packets {
    /** An IPv4 TLS ClientHello over Ethernet: frame 4 of zeek's hrr.pcap (236 payload bytes). */
    public static final String V4_CAPTURE = "zeek+zeek/testing/btest/Traces/tls/hrr.pcap";
    public static final int V4_FRAME = 4;
    /** An IPv6 TLS ClientHello over Ethernet: frame 4 of suricata-verify's tls13_draft28.pcap (297 payload bytes). */
    public static final String V6_CAPTURE = "OISF+suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap";
    public static final int V6_FRAME = 4;

    private Packets() {
    }

    public static RecordedFrame frame(String capture, int number) {
        try (FrameSource s = CaptureFiles.open(Corpus.capture(capture))) {
            List<RecordedFrame> frames = Frames.readAll(s).frames();
            return frames.get(number - 1);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The IP packet inside an untagged Ethernet frame. */
    public static byte[] ipOf(RecordedFrame ethernet) {
        return Arrays.copyOfRange(ethernet.data(), 14, ethernet.data().length);
    }

    public static byte[] ethernetHeader(int ethertype) {
        return ByteBuffer.allocate(14).put(new byte[] {0x02, 0, 0, 0, 0, 1, 0x02, 0, 0, 0, 0, 2})
                .putShort((short) ethertype).array();
    }

    /** IPv4 header without options, DF set, checksum left 0 (the decoder does not verify it). */
    public static byte[] ipv4Header(int protocol, int payloadLength, int ttl, int id, String src, String dst) {
        return ByteBuffer.allocate(20).put((byte) 0x45).put((byte) 0).putShort((short) (20 + payloadLength))
                .putShort((short) id).putShort((short) 0x4000).put((byte) ttl).put((byte) protocol).putShort((short) 0)
                .put(dev.nfe.capture.IpAddress.parse(src).toBytes()).put(dev.nfe.capture.IpAddress.parse(dst).toBytes())
                .array();
    }

    public static byte[] ipv6Header(int nextHeader, int payloadLength, int hopLimit, String src, String dst) {
        return ByteBuffer.allocate(40).putInt(0x60000000).putShort((short) payloadLength).put((byte) nextHeader)
                .put((byte) hopLimit).put(dev.nfe.capture.IpAddress.parse(src).toBytes())
                .put(dev.nfe.capture.IpAddress.parse(dst).toBytes()).array();
    }

    /** GRE header with the optional words its flags ask for (checksum, key, sequence number). */
    public static byte[] greHeader(int flags, int protocol) {
        ByteBuffer b = ByteBuffer.allocate(16).putShort((short) flags).putShort((short) protocol);
        if ((flags & 0x8000) != 0) {
            b.putInt(0xdead0000);
        }
        if ((flags & 0x2000) != 0) {
            b.putInt(0x00c0ffee);
        }
        if ((flags & 0x1000) != 0) {
            b.putInt(7);
        }
        return Arrays.copyOf(b.array(), b.position());
    }

    public static byte[] udpHeader(int srcPort, int dstPort, int payloadLength) {
        return ByteBuffer.allocate(8).putShort((short) srcPort).putShort((short) dstPort)
                .putShort((short) (8 + payloadLength)).putShort((short) 0).array();
    }

    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** A frame with the given bytes, number and timestamp of {@code like}, nothing cut off. */
    public static RecordedFrame frame(RecordedFrame like, int linkType, byte[] data) {
        return new RecordedFrame(like.number(), like.timestampNanos(), linkType, data, data.length);
    }
}
