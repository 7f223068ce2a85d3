package dev.nfe.capture;

/**
 * One TCP segment as it was seen on the wire: the facts the dissector needs, nothing more.
 *
 * @param timestampNanos capture timestamp, nanoseconds since the Unix epoch (UTC)
 * @param frame          1-based frame number in the capture file, or 0 when live / unknown
 * @param src            sender
 * @param dst            receiver
 * @param seq            sequence number, unsigned 32 bits
 * @param ack            acknowledgment number, unsigned 32 bits (meaningful when ACK is set)
 * @param flags          TCP flag bits, see {@link TcpFlags}
 * @param window         raw (unscaled) window field
 * @param ttl            IPv4 TTL or IPv6 hop limit of the innermost IP header
 * @param ipId           IPv4 identification field, or -1 for IPv6
 * @param payloadLength  TCP payload length according to the IP header (what was on the wire)
 * @param payload        the payload bytes that were captured; shorter than {@code payloadLength}
 *                       when the frame was cut by the snap length or when an agent's payload
 *                       budget removed them
 * @param truncated      true when the frame was cut by the snap length before the end of the segment
 */
public record TcpSegment(
        long timestampNanos,
        long frame,
        Endpoint src,
        Endpoint dst,
        long seq,
        long ack,
        int flags,
        int window,
        int ttl,
        int ipId,
        int payloadLength,
        Bytes payload,
        boolean truncated) {

    public TcpSegment {
        if (src == null || dst == null || payload == null) {
            throw new IllegalArgumentException("src, dst and payload are required");
        }
        if (payload.length() > payloadLength) {
            throw new IllegalArgumentException("captured payload longer than the wire payload");
        }
    }

    public boolean syn() {
        return (flags & TcpFlags.SYN) != 0;
    }

    public boolean ackFlag() {
        return (flags & TcpFlags.ACK) != 0;
    }

    public boolean fin() {
        return (flags & TcpFlags.FIN) != 0;
    }

    public boolean rst() {
        return (flags & TcpFlags.RST) != 0;
    }

    /** True when the captured payload is the whole payload that was on the wire. */
    public boolean payloadComplete() {
        return payload.length() == payloadLength;
    }

    @Override
    public String toString() {
        return "TcpSegment[frame=" + frame + " " + src + " > " + dst + " " + TcpFlags.describe(flags)
                + " seq=" + seq + " ack=" + ack + " len=" + payloadLength
                + (truncated ? " truncated" : "") + "]";
    }
}
