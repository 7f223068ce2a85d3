package dev.nfe.capture.decode;

import static dev.nfe.capture.decode.DecodeContext.missing;

/** Ethernet and its tags, PPPoE, MPLS, IPv4, IPv6 and its extension headers, and the IP protocol dispatch. */
final class Network {
    static final int ETHERTYPE_IPV4 = 0x0800;
    static final int ETHERTYPE_IPV6 = 0x86dd;
    static final int ETHERTYPE_VLAN = 0x8100;
    static final int ETHERTYPE_QINQ = 0x88a8;
    static final int ETHERTYPE_QINQ_OLD = 0x9100;
    static final int ETHERTYPE_QINQ_OLD2 = 0x9200;
    static final int ETHERTYPE_PPPOE_SESSION = 0x8864;
    static final int ETHERTYPE_MPLS = 0x8847;
    static final int ETHERTYPE_MPLS_MULTICAST = 0x8848;

    static final int PPP_IPV4 = 0x0021;
    static final int PPP_IPV6 = 0x0057;

    static final int PROTO_HOPOPTS = 0;
    static final int PROTO_IPIP = 4;
    static final int PROTO_TCP = 6;
    static final int PROTO_UDP = 17;
    static final int PROTO_IPV6 = 41;
    static final int PROTO_ROUTING = 43;
    static final int PROTO_FRAGMENT = 44;
    static final int PROTO_GRE = 47;
    static final int PROTO_ESP = 50;
    static final int PROTO_AH = 51;
    static final int PROTO_NONE = 59;
    static final int PROTO_DSTOPTS = 60;

    private Network() {
    }

    /*
     * Ethernet II, IEEE 802.3 clause 3.2.6:
     *   0: 6 bytes destination MAC
     *   6: 6 bytes source MAC
     *  12: uint16 ethertype (>= 0x0600) or 802.3 length (< 0x0600, an LLC header follows)
     *  14: payload, then possibly padding and a frame check sequence, which the IP length trims
     */
    static SkipReason ethernet(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 14) {
            return missing(14, off, wire);
        }
        return ethertype(c, Be.u16(c.buf, off + 12), off + 14, cap, wire, depth);
    }

    /**
     * Dispatches on an ethertype whose payload starts at {@code off}: IP, or 802.1Q/802.1ad tags
     * (any number, each 4 bytes: uint16 TCI, uint16 next ethertype), PPPoE session, MPLS.
     */
    static SkipReason ethertype(DecodeContext c, int type, int off, int cap, int wire, int depth) {
        byte[] b = c.buf;
        for (;;) {
            switch (type) {
                case ETHERTYPE_IPV4:
                    return ipv4(c, off, cap, wire, depth);
                case ETHERTYPE_IPV6:
                    return ipv6(c, off, cap, wire, depth);
                case ETHERTYPE_VLAN, ETHERTYPE_QINQ, ETHERTYPE_QINQ_OLD, ETHERTYPE_QINQ_OLD2:
                    if (cap - off < 4) {
                        return missing(4, off, wire);
                    }
                    type = Be.u16(b, off + 2);
                    off += 4;
                    continue;
                case ETHERTYPE_PPPOE_SESSION:
                    return pppoe(c, off, cap, wire, depth);
                case ETHERTYPE_MPLS, ETHERTYPE_MPLS_MULTICAST:
                    return mpls(c, off, cap, wire, depth);
                default:
                    // ARP, LLDP, ...; or below 0x0600 an 802.3 length with an LLC header: not IP
                    return SkipReason.NON_IP;
            }
        }
    }

    /*
     * PPPoE session stage, RFC 2516 section 4:
     *   0: 4 bits version (1), 4 bits type (1)
     *   1: uint8  code (0x00 session data)
     *   2: uint16 session id
     *   4: uint16 length of the PPPoE payload (which starts with the PPP protocol field)
     *   6: PPP protocol, RFC 1661 section 2: uint16 (or one byte when protocol-field compression
     *      is on: an odd first byte), 0x0021 IPv4, 0x0057 IPv6
     * The PPPoE length bounds the IP packet, as it does in Wireshark (Ethernet padding again).
     */
    private static SkipReason pppoe(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 7) {
            return missing(7, off, wire);
        }
        byte[] b = c.buf;
        int length = Be.u16(b, off + 4);
        int end = Math.min(wire, off + 6 + length);
        int protocol;
        int header;
        if ((b[off + 6] & 1) != 0) {
            protocol = Be.u8(b, off + 6);
            header = 7;
        } else {
            if (cap - off < 8) {
                return missing(8, off, wire);
            }
            protocol = Be.u16(b, off + 6);
            header = 8;
        }
        if (end < off + header) {
            return SkipReason.MALFORMED;
        }
        return switch (protocol) {
            case PPP_IPV4 -> ipv4(c, off + header, Math.min(cap, end), end, depth);
            case PPP_IPV6 -> ipv6(c, off + header, Math.min(cap, end), end, depth);
            default -> SkipReason.NON_IP;
        };
    }

    /*
     * MPLS label stack entries, RFC 3032 section 2.1, 4 bytes each:
     *   20 bits label, 3 bits traffic class, 1 bit bottom of stack (S), 8 bits TTL
     * Nothing names the payload; like Wireshark, look at the first nibble: 4 IPv4, 6 IPv6. A 0
     * nibble is a pseudowire control word (Ethernet over MPLS), not decoded.
     */
    private static SkipReason mpls(DecodeContext c, int off, int cap, int wire, int depth) {
        byte[] b = c.buf;
        for (;;) {
            if (cap - off < 4) {
                return missing(4, off, wire);
            }
            boolean bottom = (b[off + 2] & 1) != 0;
            off += 4;
            if (bottom) {
                break;
            }
        }
        if (cap - off < 1) {
            return missing(1, off, wire);
        }
        return switch ((b[off] & 0xf0) >>> 4) {
            case 4 -> ipv4(c, off, cap, wire, depth);
            case 6 -> ipv6(c, off, cap, wire, depth);
            default -> SkipReason.UNSUPPORTED_ENCAPSULATION;
        };
    }

    /** Raw IP: the version nibble decides. */
    static SkipReason ipByVersion(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 1) {
            return missing(1, off, wire);
        }
        return switch ((c.buf[off] & 0xf0) >>> 4) {
            case 4 -> ipv4(c, off, cap, wire, depth);
            case 6 -> ipv6(c, off, cap, wire, depth);
            default -> SkipReason.NON_IP;
        };
    }

    /*
     * IPv4 header, RFC 791 section 3.1:
     *    0                   1                   2                   3
     *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |Version|  IHL  |Type of Service|          Total Length         |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |         Identification        |Flags|      Fragment Offset    |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |  Time to Live |    Protocol   |         Header Checksum       |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                       Source Address                          |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                    Destination Address                        |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                    Options                    |    Padding    |
     * Flags: reserved, DF (0x4000), MF (0x2000); the offset is in 8-byte units.
     * Total length 0 happens when the sending host captured a TSO/GSO super-packet before
     * segmentation; as Wireshark does, the frame's length is then taken instead.
     * A total length beyond the enclosing length is clipped to it (Wireshark: "IPv4 total length
     * exceeds packet length"), so the TCP payload length agrees with tshark's tcp.len.
     * Checksums are not verified: with checksum offload, locally sent packets carry garbage.
     */
    static SkipReason ipv4(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 20) {
            return missing(20, off, wire);
        }
        byte[] b = c.buf;
        int first = b[off] & 0xff;
        if (first >>> 4 != 4) {
            return SkipReason.MALFORMED;
        }
        int headerLength = (first & 0x0f) * 4;
        if (headerLength < 20) {
            return SkipReason.MALFORMED;
        }
        int totalLength = Be.u16(b, off + 2);
        int end;
        if (totalLength == 0) {
            end = wire;
        } else if (totalLength < headerLength) {
            return SkipReason.MALFORMED;
        } else {
            end = Math.min(wire, off + totalLength);
        }
        if (end - off < headerLength) {
            return SkipReason.MALFORMED;
        }
        if (cap - off < headerLength) {
            return SkipReason.TRUNCATED;
        }
        if (depth > 0) {
            c.scope = Fragments.innerScope(c);
        }
        c.v6 = false;
        c.ttl = b[off + 8] & 0xff;
        c.ipId = Be.u16(b, off + 4);
        c.srcHi = 0;
        c.srcLo = Be.u32(b, off + 12);
        c.dstHi = 0;
        c.dstLo = Be.u32(b, off + 16);
        int protocol = b[off + 9] & 0xff;
        int fragment = Be.u16(b, off + 6);
        if ((fragment & 0x3fff) != 0) {
            // MF set or a fragment offset: a piece of a datagram (DF alone is not a fragment)
            return Fragments.ipv4(c, protocol, fragment, headerLength, off + headerLength, Math.min(cap, end), end, depth);
        }
        return ipPayload(c, protocol, false, off + headerLength, Math.min(cap, end), end, depth);
    }

    /*
     * IPv6 header, RFC 8200 section 3:
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |Version| Traffic Class |           Flow Label                  |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |         Payload Length        |  Next Header  |   Hop Limit   |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                   Source Address (16 bytes)                   |
     *   |                Destination Address (16 bytes)                 |
     * Payload length 0 (a jumbogram, or a GSO super-packet captured before segmentation): the
     * frame's length is taken instead.
     */
    static SkipReason ipv6(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 40) {
            return missing(40, off, wire);
        }
        byte[] b = c.buf;
        if ((b[off] & 0xf0) != 0x60) {
            return SkipReason.MALFORMED;
        }
        int payloadLength = Be.u16(b, off + 4);
        int end = payloadLength == 0 ? wire : Math.min(wire, off + 40 + payloadLength);
        if (depth > 0) {
            c.scope = Fragments.innerScope(c);
        }
        c.ipv6PayloadStart = off + 40;
        c.v6 = true;
        c.ttl = b[off + 7] & 0xff;
        c.ipId = -1;
        c.srcHi = Be.i64(b, off + 8);
        c.srcLo = Be.i64(b, off + 16);
        c.dstHi = Be.i64(b, off + 24);
        c.dstLo = Be.i64(b, off + 32);
        return ipPayload(c, b[off + 6] & 0xff, true, off + 40, Math.min(cap, end), end, depth);
    }

    /**
     * What an IP header's protocol / next-header field leads to. IPv6 extension headers are walked
     * here (RFC 8200 section 4); AH is walked for both versions.
     */
    static SkipReason ipPayload(DecodeContext c, int protocol, boolean v6, int off, int cap, int wire, int depth) {
        byte[] b = c.buf;
        for (;;) {
            switch (protocol) {
                case PROTO_TCP:
                    return Tcp.segment(c, off, cap, wire);
                case PROTO_HOPOPTS, PROTO_ROUTING, PROTO_DSTOPTS: {
                    if (!v6) {
                        return SkipReason.NON_TCP;
                    }
                    /* Hop-by-Hop, Routing, Destination Options: uint8 next header, uint8 length in
                     * 8-octet units not counting the first 8, then the body. */
                    if (cap - off < 2) {
                        return missing(2, off, wire);
                    }
                    int length = ((b[off + 1] & 0xff) + 1) * 8;
                    if (wire - off < length) {
                        return SkipReason.MALFORMED;
                    }
                    protocol = b[off] & 0xff;
                    off += length;
                    continue;
                }
                case PROTO_FRAGMENT: {
                    if (!v6) {
                        return SkipReason.NON_TCP;
                    }
                    /* Fragment header, RFC 8200 section 4.5:
                     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
                     *   |  Next Header  |   Reserved    |      Fragment Offset    |Res|M|
                     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
                     *   |                         Identification                        |
                     * The offset counts 8-byte units of the fragmentable part (what follows this
                     * header). Offset 0 and M clear is an "atomic fragment" (RFC 6946): a whole
                     * packet, decoded on. Anything else goes to reassembly; the fragment that
                     * completes its datagram goes on with the datagram's payload. */
                    if (cap - off < 8) {
                        return missing(8, off, wire);
                    }
                    int field = Be.u16(b, off + 2);
                    if ((field & 0xfff9) != 0) {
                        return Fragments.ipv6(c, b[off] & 0xff, field, Be.u32(b, off + 4), off - c.ipv6PayloadStart,
                                off + 8, cap, wire, depth);
                    }
                    protocol = b[off] & 0xff;
                    off += 8;
                    continue;
                }
                case PROTO_AH: {
                    /* Authentication Header, RFC 4302 section 2: uint8 next header, uint8 payload
                     * length in 4-octet units minus 2, uint16 reserved, SPI, sequence, ICV. */
                    if (cap - off < 2) {
                        return missing(2, off, wire);
                    }
                    int length = ((b[off + 1] & 0xff) + 2) * 4;
                    if (wire - off < length) {
                        return SkipReason.MALFORMED;
                    }
                    protocol = b[off] & 0xff;
                    off += length;
                    continue;
                }
                case PROTO_ESP:
                    return SkipReason.ENCRYPTED;
                case PROTO_NONE:
                    return v6 ? SkipReason.NO_NEXT_HEADER : SkipReason.NON_TCP;
                case PROTO_IPIP:
                    return depth >= c.maxTunnelDepth ? SkipReason.TUNNEL_TOO_DEEP : ipv4(c, off, cap, wire, depth + 1);
                case PROTO_IPV6:
                    return depth >= c.maxTunnelDepth ? SkipReason.TUNNEL_TOO_DEEP : ipv6(c, off, cap, wire, depth + 1);
                case PROTO_GRE:
                    return Tunnels.gre(c, off, cap, wire, depth);
                case PROTO_UDP:
                    return Tunnels.udp(c, off, cap, wire, depth);
                default:
                    return SkipReason.NON_TCP;
            }
        }
    }
}
