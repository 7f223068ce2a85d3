package dev.nfe.capture.decode;

import dev.nfe.capture.testdata.Fragmenter;
import dev.nfe.capture.testdata.Packets;

import java.util.Arrays;

/**
 * Drives a {@link FragmentReassembler} with the fragmentable part of a real packet: a TLS
 * ClientHello over IPv4 (zeek's hrr.pcap) or over IPv6 (suricata-verify's tls13_draft28.pcap),
 * TCP header included.
 */
final class FragmentFixture {
    static final long SECOND = 1_000_000_000L;
    static final long T0 = 1_700_000_000L * SECOND;

    final boolean v6;
    final byte[] ip;
    /** The fragmentable part: TCP header and payload. */
    final byte[] part;
    final DecodeStats stats = new DecodeStats();
    final FragmentReassembler reassembler;
    private int identification;

    private FragmentFixture(boolean v6, FragmentLimits limits) {
        this.v6 = v6;
        this.ip = Packets.ipOf(v6 ? Packets.frame(Packets.V6_CAPTURE, Packets.V6_FRAME)
                : Packets.frame(Packets.V4_CAPTURE, Packets.V4_FRAME));
        this.part = Fragmenter.payload(ip);
        this.reassembler = new FragmentReassembler(limits, stats);
        this.identification = v6 ? 0x1234_5678 : u16(ip, 4);
    }

    static FragmentFixture v4() {
        return new FragmentFixture(false, FragmentLimits.DEFAULT);
    }

    static FragmentFixture v6() {
        return new FragmentFixture(true, FragmentLimits.DEFAULT);
    }

    static FragmentFixture of(boolean v6, FragmentLimits limits) {
        return new FragmentFixture(v6, limits);
    }

    /** Later offers belong to another datagram of the same hosts (another IP ID / identification). */
    FragmentFixture identification(int id) {
        this.identification = id;
        return this;
    }

    FragmentReassembler.Key key() {
        return key(0);
    }

    FragmentReassembler.Key key(long scope) {
        if (v6) {
            return FragmentReassembler.Key.ipv6(i64(ip, 8), i64(ip, 16), i64(ip, 24), i64(ip, 32), identification, scope);
        }
        return FragmentReassembler.Key.ipv4(u32(ip, 12), u32(ip, 16), ip[9] & 0xff, identification, scope);
    }

    /** Offers bytes {@code [from, to)} of the part, the last fragment when {@code to} is the part's end. */
    FragmentReassembler.Datagram offer(long ts, int from, int to) {
        return offer(ts, from, to, to < part.length, part);
    }

    FragmentReassembler.Datagram offer(long ts, int from, int to, boolean more, byte[] bytes) {
        return offer(key(), ts, from, to, more, bytes, to - from);
    }

    /** As above with only {@code captured} of the bytes captured (the snap length cut the rest). */
    FragmentReassembler.Datagram offer(FragmentReassembler.Key key, long ts, int from, int to, boolean more,
                                       byte[] bytes, int captured) {
        int header = v6 ? 0 : (ip[0] & 0x0f) * 4;
        byte[] frame = Arrays.copyOfRange(bytes, from, Math.min(bytes.length, Math.max(to, from)));
        return reassembler.offer(new FragmentReassembler.Fragment(key, ts, from, more, v6 ? 6 : ip[9] & 0xff,
                v6 ? ip[7] & 0xff : ip[8] & 0xff, header), frame, 0, captured, to - from);
    }

    /** The rebuilt bytes, which must be exactly the part. */
    static byte[] bytes(FragmentReassembler.Datagram d) {
        return Arrays.copyOf(d.bytes(), d.length());
    }

    long count(FragmentEvent e) {
        return stats.fragments(e);
    }

    private static int u16(byte[] b, int off) {
        return ((b[off] & 0xff) << 8) | (b[off + 1] & 0xff);
    }

    private static long u32(byte[] b, int off) {
        return ((long) u16(b, off) << 16) | u16(b, off + 2);
    }

    private static long i64(byte[] b, int off) {
        return (u32(b, off) << 32) | u32(b, off + 4);
    }
}
