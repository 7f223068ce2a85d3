package dev.nfe.capture.decode;

import dev.nfe.capture.FrameSink;
import dev.nfe.capture.SegmentSink;

/**
 * Decodes link-layer frames down to TCP and hands each segment to a {@link SegmentSink}; every
 * other frame is counted in {@link #stats()} under one {@link SkipReason}. Malformed input is data:
 * no exception is thrown for any frame, and nothing is allocated per frame except the
 * {@link dev.nfe.capture.TcpSegment} itself, its payload copy, its addresses and endpoints.
 *
 * <p>What is decoded:
 * <ul>
 *   <li>link types: Ethernet (1), with any stack of 802.1Q / 802.1ad (0x8100, 0x88a8, 0x9100,
 *       0x9200) tags, PPPoE sessions carrying IPv4/IPv6, and MPLS label stacks carrying IP;
 *       Linux SLL (113) and SLL2 (276); raw IP (12, 14, 101; the version nibble decides),
 *       IPv4 (228), IPv6 (229); BSD NULL (0, address family in either byte order) and LOOP (108).
 *       See {@link LinkTypes}.</li>
 *   <li>IPv4 with options; IPv6 with Hop-by-Hop, Routing, Destination Options, atomic Fragment
 *       and AH extension headers (AH for IPv4 too). The IP lengths trim link padding and decide the
 *       wire payload length; a total/payload length of 0 (TSO/GSO, jumbograms) falls back to the
 *       frame length.</li>
 *   <li>tunnels, up to {@link #DEFAULT_MAX_TUNNEL_DEPTH} nested by default: IP-in-IP (4),
 *       IPv6-in-IP (41), GRE (47: optional checksum, key and sequence words; IPv4, IPv6, bridged
 *       Ethernet 0x6558, ERSPAN II/III, or any ethertype above), VXLAN (UDP destination port
 *       4789) and Geneve (UDP 6081). Addresses, TTL and IP ID come from the innermost IP header.</li>
 * </ul>
 *
 * <p>IPv4 fragments and IPv6 fragments (non-atomic Fragment headers) are reassembled by this
 * decoder's own {@link FragmentReassembler} (state per decoder, so per input), at any depth: outer
 * fragments of a tunnel packet and fragments inside a tunnel alike. The fragment that completes a
 * datagram is the frame of its segment, as in Wireshark; every other fragment counts as
 * {@link SkipReason#IPV4_FRAGMENT} or {@link SkipReason#IPV6_FRAGMENT}, and what became of each
 * datagram is counted by {@link FragmentEvent}. Time for the reassembly timeouts is the frames'
 * timestamps, checked as frames arrive. See {@link FragmentReassembler} for the policies and
 * {@link Fragments} for which TTL and IP ID a rebuilt segment carries.
 *
 * <p>ICMP errors that quote a TCP header are not TCP segments ({@link SkipReason#NON_TCP}), even
 * though Wireshark shows a TCP layer in them. Checksums are not verified.
 *
 * <p>One decoder belongs to one thread. Frame numbers and timestamps come from the source.
 */
public final class SegmentDecoder implements FrameSink {
    public static final int DEFAULT_MAX_TUNNEL_DEPTH = 4;

    private final DecodeContext context;
    private final DecodeStats stats;

    public SegmentDecoder(SegmentSink sink) {
        this(sink, DEFAULT_MAX_TUNNEL_DEPTH);
    }

    /** @param maxTunnelDepth how many encapsulations (IP-in-IP, GRE, VXLAN, Geneve) may be nested, at least 0 */
    public SegmentDecoder(SegmentSink sink, int maxTunnelDepth) {
        this(sink, maxTunnelDepth, new DecodeStats());
    }

    /** As above, counting into {@code stats} (e.g. one shared by several sources read one after the other). */
    public SegmentDecoder(SegmentSink sink, int maxTunnelDepth, DecodeStats stats) {
        this(sink, maxTunnelDepth, stats, false);
    }

    /**
     * With {@code shareFrameBuffers}, payloads are views of the frame buffer instead of copies:
     * only for a source whose {@link dev.nfe.capture.FrameSource#stableBuffers()} is true.
     */
    public SegmentDecoder(SegmentSink sink, int maxTunnelDepth, DecodeStats stats, boolean shareFrameBuffers) {
        this(sink, maxTunnelDepth, stats, shareFrameBuffers, FragmentLimits.DEFAULT);
    }

    /** As above, with the caps and timeouts of IP fragment reassembly. */
    public SegmentDecoder(SegmentSink sink, int maxTunnelDepth, DecodeStats stats, boolean shareFrameBuffers,
                          FragmentLimits fragmentLimits) {
        if (sink == null || stats == null || fragmentLimits == null) {
            throw new IllegalArgumentException("sink, stats and fragment limits are required");
        }
        if (maxTunnelDepth < 0) {
            throw new IllegalArgumentException("maxTunnelDepth must be >= 0: " + maxTunnelDepth);
        }
        this.context = new DecodeContext(sink, maxTunnelDepth, shareFrameBuffers,
                new FragmentReassembler(fragmentLimits, stats));
        this.stats = stats;
    }

    @Override
    public void frame(long number, long timestampNanos, int linkType, byte[] buf, int off, int capturedLength,
                      int originalLength) {
        stats.frame(capturedLength, originalLength);
        DecodeContext c = context;
        c.buf = buf;
        c.bufferOwned = false;
        c.reassemblies = 0;
        c.scope = 0;
        c.frame = number;
        c.timestamp = timestampNanos;
        // reassembly timeouts run on capture time: a datagram whose time is up goes before this frame is seen
        c.fragments.expire(timestampNanos);
        int cap = off + capturedLength;
        int wire = (int) Math.min((long) off + Math.max(capturedLength, originalLength), Integer.MAX_VALUE);
        SkipReason skipped = LinkLayer.decode(c, linkType, off, cap, wire);
        c.buf = null;
        if (skipped == null) {
            stats.segment();
        } else {
            stats.skip(skipped);
        }
    }

    /** Live counts; the decoder keeps updating them. */
    public DecodeStats stats() {
        return stats;
    }
}
