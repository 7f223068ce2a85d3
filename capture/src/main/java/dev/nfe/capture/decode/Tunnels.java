package dev.nfe.capture.decode;

import static dev.nfe.capture.decode.DecodeContext.missing;

/**
 * Encapsulations carried by IP: GRE (with ERSPAN), and the UDP tunnels VXLAN and Geneve. IP-in-IP
 * and 6in4 need no header of their own and are handled in {@link Network#ipPayload}. Every
 * tunnel entered counts one level of depth against the decoder's limit.
 */
final class Tunnels {
    static final int UDP_PORT_VXLAN = 4789;
    static final int UDP_PORT_GENEVE = 6081;
    static final int ETHERTYPE_TRANSPARENT_ETHERNET = 0x6558;
    static final int ETHERTYPE_ERSPAN_2 = 0x88be;
    static final int ETHERTYPE_ERSPAN_3 = 0x22eb;

    private static final int GRE_C = 0x8000;
    private static final int GRE_R = 0x4000;
    private static final int GRE_K = 0x2000;
    private static final int GRE_S = 0x1000;
    private static final int GRE_VERSION = 0x0007;

    private Tunnels() {
    }

    /*
     * GRE, RFC 2784 section 2 with the key and sequence number of RFC 2890 section 2 (and RFC 1701's
     * routing bit):
     *    0                   1                   2                   3
     *    0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1 2 3 4 5 6 7 8 9 0 1
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |C|R|K|S|s|Recur|  Flags  | Ver |         Protocol Type         |
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |      Checksum (optional)      |       Offset (optional)       |   present if C or R
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                         Key (optional)                        |   present if K
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     *   |                 Sequence Number (optional)                    |   present if S
     *   +-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+-+
     * The protocol type is an ethertype; 0x6558 is bridged Ethernet, 0x88be/0x22eb ERSPAN.
     * Version 1 (PPTP's enhanced GRE) and RFC 1701 source routing are not decoded.
     */
    static SkipReason gre(DecodeContext c, int off, int cap, int wire, int depth) {
        if (depth >= c.maxTunnelDepth) {
            return SkipReason.TUNNEL_TOO_DEEP;
        }
        if (cap - off < 4) {
            return missing(4, off, wire);
        }
        byte[] b = c.buf;
        int flags = Be.u16(b, off);
        int protocol = Be.u16(b, off + 2);
        if ((flags & GRE_VERSION) != 0 || (flags & GRE_R) != 0) {
            return SkipReason.UNSUPPORTED_ENCAPSULATION;
        }
        int header = 4;
        if ((flags & GRE_C) != 0) {
            header += 4;
        }
        if ((flags & GRE_K) != 0) {
            header += 4;
        }
        if ((flags & GRE_S) != 0) {
            header += 4;
        }
        if (cap - off < header) {
            return missing(header, off, wire);
        }
        int inner = off + header;
        return switch (protocol) {
            case ETHERTYPE_TRANSPARENT_ETHERNET -> Network.ethernet(c, inner, cap, wire, depth + 1);
            case ETHERTYPE_ERSPAN_2 -> erspan2(c, inner, cap, wire, depth + 1, (flags & GRE_S) != 0);
            case ETHERTYPE_ERSPAN_3 -> erspan3(c, inner, cap, wire, depth + 1);
            default -> Network.ethertype(c, protocol, inner, cap, wire, depth + 1);
        };
    }

    /*
     * ERSPAN type II (draft-foschiano-erspan section 4.1), 8 bytes after GRE with S set:
     *   4 bits version (1), 12 bits VLAN, 3 bits COS, 2 bits encapsulation type, 1 bit T,
     *   10 bits session id, 12 bits reserved, 20 bits index; then the mirrored Ethernet frame.
     * Type I has no header at all and is sent without a GRE sequence number.
     */
    private static SkipReason erspan2(DecodeContext c, int off, int cap, int wire, int depth, boolean sequenced) {
        if (!sequenced) {
            return Network.ethernet(c, off, cap, wire, depth);
        }
        if (cap - off < 8) {
            return missing(8, off, wire);
        }
        return Network.ethernet(c, off + 8, cap, wire, depth);
    }

    /*
     * ERSPAN type III (draft-foschiano-erspan section 4.2), 12 bytes: version (2), VLAN, COS, BSO,
     * T, session id, 32-bit timestamp, SGT, P, FT, hardware id, D, Gra, O. O (the last bit) says an
     * 8-byte platform-specific subheader follows. Then the mirrored Ethernet frame.
     */
    private static SkipReason erspan3(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 12) {
            return missing(12, off, wire);
        }
        int header = (c.buf[off + 11] & 1) != 0 ? 20 : 12;
        if (cap - off < header) {
            return missing(header, off, wire);
        }
        return Network.ethernet(c, off + header, cap, wire, depth);
    }

    /*
     * UDP, RFC 768: uint16 source port, uint16 destination port, uint16 length (header included),
     * uint16 checksum. Only the tunnels are of interest: VXLAN and Geneve by their IANA
     * destination ports (as Wireshark recognises them); any other UDP is not TCP.
     */
    static SkipReason udp(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 8) {
            return missing(8, off, wire);
        }
        byte[] b = c.buf;
        int port = Be.u16(b, off + 2);
        if (port != UDP_PORT_VXLAN && port != UDP_PORT_GENEVE) {
            return SkipReason.NON_TCP;
        }
        if (depth >= c.maxTunnelDepth) {
            return SkipReason.TUNNEL_TOO_DEEP;
        }
        int length = Be.u16(b, off + 4);
        if (length >= 8) {
            wire = Math.min(wire, off + length);
            cap = Math.min(cap, wire);
        }
        return port == UDP_PORT_VXLAN ? vxlan(c, off + 8, cap, wire, depth + 1) : geneve(c, off + 8, cap, wire, depth + 1);
    }

    /*
     * VXLAN, RFC 7348 section 5:
     *   |R|R|R|R|I|R|R|R|            Reserved                           |
     *   |                VXLAN Network Identifier (VNI) |   Reserved    |
     * then the inner Ethernet frame.
     */
    private static SkipReason vxlan(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 8) {
            return missing(8, off, wire);
        }
        return Network.ethernet(c, off + 8, cap, wire, depth);
    }

    /*
     * Geneve, RFC 8926 section 3.4:
     *   |Ver|  Opt Len  |O|C|    Rsvd.  |          Protocol Type        |
     *   |        Virtual Network Identifier (VNI)       |    Reserved   |
     *   |                    Variable-Length Options                    |
     * Opt Len counts 4-byte words of options. Protocol type is an ethertype (0x6558 Ethernet).
     */
    private static SkipReason geneve(DecodeContext c, int off, int cap, int wire, int depth) {
        if (cap - off < 8) {
            return missing(8, off, wire);
        }
        byte[] b = c.buf;
        if ((b[off] & 0xc0) != 0) {
            return SkipReason.UNSUPPORTED_ENCAPSULATION;
        }
        int header = 8 + (b[off] & 0x3f) * 4;
        if (cap - off < header) {
            return missing(header, off, wire);
        }
        int protocol = Be.u16(b, off + 2);
        int inner = off + header;
        return switch (protocol) {
            case ETHERTYPE_TRANSPARENT_ETHERNET -> Network.ethernet(c, inner, cap, wire, depth);
            case Network.ETHERTYPE_IPV4 -> Network.ipv4(c, inner, cap, wire, depth);
            case Network.ETHERTYPE_IPV6 -> Network.ipv6(c, inner, cap, wire, depth);
            default -> SkipReason.UNSUPPORTED_ENCAPSULATION;
        };
    }
}
