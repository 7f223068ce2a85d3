package dev.nfe.capture.decode;

import dev.nfe.capture.Bytes;
import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;

import static dev.nfe.capture.decode.DecodeContext.missing;

/** The TCP header, and the one place a {@link TcpSegment} is made. */
final class Tcp {
    private Tcp() {
    }

    /*
     * TCP header, RFC 9293 section 3.1 (AE, the former NS bit, from RFC 3540 / AccECN):
     *    0                   1                   2                   3
     *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |          Source Port          |       Destination Port        |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                        Sequence Number                        |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                    Acknowledgment Number                      |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |  Data |     |A|C|E|U|A|P|R|S|F|                               |
     *   | Offset| Rsv |E|W|C|R|C|S|S|Y|I|            Window             |
     *   |       |     | |R|E|G|K|H|T|N|N|                               |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |           Checksum            |         Urgent Pointer        |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                    Options (data offset > 5)                  |
     * Data offset counts 32-bit words (5..15). The payload length is what the IP header says was
     * on the wire; the captured payload may be shorter when the snap length cut the frame.
     * The checksum is not verified (offloading makes it wrong on the sending host).
     */
    static SkipReason segment(DecodeContext c, int off, int cap, int wire) {
        if (cap - off < 20) {
            SkipReason r = missing(20, off, wire);
            return r == SkipReason.TRUNCATED ? SkipReason.TCP_HEADER_TRUNCATED : r;
        }
        byte[] b = c.buf;
        int headerLength = ((b[off + 12] & 0xf0) >>> 4) * 4;
        if (headerLength < 20 || wire - off < headerLength) {
            return SkipReason.MALFORMED;
        }
        if (cap - off < headerLength) {
            return SkipReason.TCP_HEADER_TRUNCATED;
        }
        int payloadOffset = off + headerLength;
        int payloadLength = wire - payloadOffset;
        int captured = cap - payloadOffset;
        int srcPort = Be.u16(b, off);
        int dstPort = Be.u16(b, off + 2);
        Endpoint src;
        Endpoint dst;
        if (c.v6) {
            src = c.endpoints.v6(c.srcHi, c.srcLo, srcPort);
            dst = c.endpoints.v6(c.dstHi, c.dstLo, dstPort);
        } else {
            src = c.endpoints.v4(c.srcLo, srcPort);
            dst = c.endpoints.v4(c.dstLo, dstPort);
        }
        int flags = ((b[off + 12] & 0x01) << 8) | (b[off + 13] & 0xff);
        c.sink.segment(new TcpSegment(
                c.timestamp,
                c.frame,
                src,
                dst,
                Be.u32(b, off + 4),
                Be.u32(b, off + 8),
                flags,
                Be.u16(b, off + 14),
                c.ttl,
                c.ipId,
                payloadLength,
                c.shareFrameBuffers || c.bufferOwned ? Bytes.viewOf(b, payloadOffset, captured)
                        : Bytes.copyOf(b, payloadOffset, captured),
                cap < wire));
        return null;
    }
}
