package dev.nfe.capture.decode;

/**
 * Between the IP decoders and the {@link FragmentReassembler}: hands it a fragment met while
 * decoding a frame and, when that fragment completes a datagram, decodes the datagram's payload
 * in place of the frame's, as Wireshark shows the reassembled packet in the frame of the fragment
 * that completed it.
 *
 * <p>What the rebuilt segment carries:
 * <ul>
 *   <li>frame number and timestamp: the completing fragment's (Wireshark's choice, so a
 *       session's frames match what an analyst opens in Wireshark);</li>
 *   <li>addresses: the key's, the same in every fragment;</li>
 *   <li>TTL / hop limit: the offset-0 fragment's, whose header RFC 791 and RFC 8200 keep for the
 *       reassembled packet. That fragment holds the TCP header, so its TTL goes with the flags and
 *       ports the dissector reads: a middlebox that injects a RST has to forge that fragment, and
 *       the RST-TTL evidence (the RST's TTL against the server's) then sees the middlebox's TTL.
 *       The fragments of one datagram share a TTL unless something interferes; taking the
 *       completing fragment's (what Wireshark displays) would credit whichever came last;</li>
 *   <li>IPv4 identification: the datagram's (every fragment carries the same, it is the key);
 *       IPv6 has none in its fixed header, so -1 as for any IPv6 segment;</li>
 *   <li>payload: a view of the rebuilt datagram's own array, copied from the frames once.</li>
 * </ul>
 */
final class Fragments {
    /** Rebuilt datagrams inside rebuilt datagrams (outer fragmentation of a tunnel, then inner) nest at most this deep beyond the tunnel limit. */
    private static final int EXTRA_NESTING = 1;

    private Fragments() {
    }

    /**
     * An IPv4 fragment whose header the caller has decoded into {@code c}; its data is
     * {@code [off, wire)} with {@code [off, cap)} captured.
     *
     * @param field the flags and fragment offset word: MF 0x2000, offset in 8-byte units in the low 13 bits
     */
    static SkipReason ipv4(DecodeContext c, int protocol, int field, int headerLength, int off, int cap, int wire,
                           int depth) {
        SkipReason never = neverTcp(protocol, false);
        if (never != null) {
            return never;
        }
        FragmentReassembler.Key key = FragmentReassembler.Key.ipv4(c.srcLo, c.dstLo, protocol, c.ipId, c.scope);
        FragmentReassembler.Fragment f = new FragmentReassembler.Fragment(key, c.timestamp, (field & 0x1fff) * 8,
                (field & 0x2000) != 0, protocol, c.ttl, headerLength);
        FragmentReassembler.Datagram d = c.fragments.offer(f, c.buf, off, cap - off, wire - off);
        return d == null ? SkipReason.IPV4_FRAGMENT : decode(c, d, false, depth);
    }

    /**
     * An IPv6 fragment: the Fragment header's fields, its data {@code [off, wire)} with
     * {@code [off, cap)} captured, and {@code unfragmentable} bytes of extension headers between
     * the IPv6 header and the Fragment header.
     *
     * @param field offset in 8-byte units in the high 13 bits, M in the lowest
     */
    static SkipReason ipv6(DecodeContext c, int nextHeader, int field, long identification, int unfragmentable,
                           int off, int cap, int wire, int depth) {
        SkipReason never = neverTcp(nextHeader, true);
        if (never != null) {
            return never;
        }
        FragmentReassembler.Key key = FragmentReassembler.Key.ipv6(c.srcHi, c.srcLo, c.dstHi, c.dstLo,
                identification, c.scope);
        FragmentReassembler.Fragment f = new FragmentReassembler.Fragment(key, c.timestamp, field & 0xfff8,
                (field & 1) != 0, nextHeader, c.ttl, unfragmentable);
        FragmentReassembler.Datagram d = c.fragments.offer(f, c.buf, off, cap - off, wire - off);
        return d == null ? SkipReason.IPV6_FRAGMENT : decode(c, d, true, depth);
    }

    /**
     * Null when a datagram of this protocol may lead to TCP (TCP itself, a tunnel, UDP for VXLAN
     * and Geneve, AH, IPv6 extension headers); else why its fragments are skipped at once, as the
     * whole datagram would be: holding the fragments of ICMP, ESP or anything else could only cost
     * memory. Every fragment's header names the protocol (IPv4), or the same next header (IPv6,
     * RFC 8200 section 4.5), so no fragment needs to wait for the first one to be classified.
     */
    private static SkipReason neverTcp(int protocol, boolean v6) {
        return switch (protocol) {
            case Network.PROTO_TCP, Network.PROTO_IPIP, Network.PROTO_IPV6, Network.PROTO_GRE, Network.PROTO_UDP,
                 Network.PROTO_AH -> null;
            case Network.PROTO_HOPOPTS, Network.PROTO_ROUTING, Network.PROTO_DSTOPTS, Network.PROTO_FRAGMENT ->
                    v6 ? null : SkipReason.NON_TCP;
            case Network.PROTO_ESP -> SkipReason.ENCRYPTED;
            case Network.PROTO_NONE -> v6 ? SkipReason.NO_NEXT_HEADER : SkipReason.NON_TCP;
            default -> SkipReason.NON_TCP;
        };
    }

    /** Decodes what the rebuilt datagram carries, from its own array, then puts the frame back. */
    private static SkipReason decode(DecodeContext c, FragmentReassembler.Datagram d, boolean v6, int depth) {
        if (c.reassemblies >= c.maxTunnelDepth + EXTRA_NESTING) {
            return SkipReason.TUNNEL_TOO_DEEP;
        }
        byte[] frame = c.buf;
        boolean owned = c.bufferOwned;
        c.reassemblies++;
        c.buf = d.bytes();
        c.bufferOwned = true;
        c.ttl = d.ttl();
        // a Fragment header inside the datagram (fragments of fragments) has nothing unfragmentable before it here
        c.ipv6PayloadStart = 0;
        SkipReason r = Network.ipPayload(c, d.protocol(), v6, 0, d.capturedLength(), d.length(), depth);
        c.buf = frame;
        c.bufferOwned = owned;
        return r;
    }

    /**
     * The scope of an IP header inside a tunnel: the enclosing scope mixed with the enclosing IP
     * header's addresses (still in {@code c} when the inner header starts). Any good 64-bit mix
     * serves; this is the finaliser of SplitMix64.
     */
    static long innerScope(DecodeContext c) {
        long h = c.scope;
        h = mix(h ^ c.srcHi);
        h = mix(h ^ c.srcLo);
        h = mix(h ^ c.dstHi);
        h = mix(h ^ c.dstLo);
        return h == 0 ? 1 : h;
    }

    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
