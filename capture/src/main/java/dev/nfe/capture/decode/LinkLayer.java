package dev.nfe.capture.decode;

import static dev.nfe.capture.decode.DecodeContext.missing;

/** From a LINKTYPE to the network layer. */
final class LinkLayer {
    /** BSD address families for IPv4 and for IPv6 (the latter differs between the BSDs). */
    private static final int AF_INET = 2;
    private static final int AF_INET6_NETBSD = 24;
    private static final int AF_INET6_FREEBSD = 28;
    private static final int AF_INET6_DARWIN = 30;

    private LinkLayer() {
    }

    static SkipReason decode(DecodeContext c, int linkType, int off, int cap, int wire) {
        return switch (linkType) {
            case LinkTypes.ETHERNET -> Network.ethernet(c, off, cap, wire, 0);
            case LinkTypes.RAW, LinkTypes.RAW_DLT12, LinkTypes.RAW_DLT14 -> Network.ipByVersion(c, off, cap, wire, 0);
            case LinkTypes.IPV4 -> Network.ipv4(c, off, cap, wire, 0);
            case LinkTypes.IPV6 -> Network.ipv6(c, off, cap, wire, 0);
            case LinkTypes.NULL -> loopback(c, off, cap, wire, false);
            case LinkTypes.LOOP -> loopback(c, off, cap, wire, true);
            case LinkTypes.LINUX_SLL -> sll(c, off, cap, wire);
            case LinkTypes.LINUX_SLL2 -> sll2(c, off, cap, wire);
            default -> SkipReason.UNSUPPORTED_LINK_TYPE;
        };
    }

    /*
     * NULL (0) and LOOP (108): a 4-byte address family, then the IP packet. NULL stores it in the
     * byte order of the host that wrote the file, which need not be the order of the file header
     * (captures get converted), so both orders are accepted: a family is a small number, and a value
     * above 0xffff can only be the other order. LOOP stores it in network order.
     */
    private static SkipReason loopback(DecodeContext c, int off, int cap, int wire, boolean networkOrder) {
        if (cap - off < 4) {
            return missing(4, off, wire);
        }
        int family = Be.i32(c.buf, off);
        if (!networkOrder && (family & 0xffff0000) != 0) {
            family = Integer.reverseBytes(family);
        }
        return switch (family) {
            case AF_INET -> Network.ipv4(c, off + 4, cap, wire, 0);
            case AF_INET6_NETBSD, AF_INET6_FREEBSD, AF_INET6_DARWIN -> Network.ipv6(c, off + 4, cap, wire, 0);
            default -> SkipReason.NON_IP;
        };
    }

    /*
     * Linux cooked capture v1 (LINKTYPE_LINUX_SLL), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL.html
     *   0: uint16 packet type (0 to us, 1 broadcast, 2 multicast, 3 to someone else, 4 sent by us)
     *   2: uint16 ARPHRD_ type
     *   4: uint16 link-layer address length
     *   6: 8 bytes link-layer address (padded)
     *  14: uint16 protocol type: an ethertype for the payload (or a small value for non-Ethernet
     *      protocols such as 802.2 LLC and CAN, which are not IP)
     *  16: payload
     */
    private static SkipReason sll(DecodeContext c, int off, int cap, int wire) {
        if (cap - off < 16) {
            return missing(16, off, wire);
        }
        return Network.ethertype(c, Be.u16(c.buf, off + 14), off + 16, cap, wire, 0);
    }

    /*
     * Linux cooked capture v2 (LINKTYPE_LINUX_SLL2), https://www.tcpdump.org/linktypes/LINKTYPE_LINUX_SLL2.html
     *   0: uint16 protocol type (ethertype)
     *   2: uint16 reserved
     *   4: uint32 interface index
     *   8: uint16 ARPHRD_ type
     *  10: uint8  packet type
     *  11: uint8  link-layer address length
     *  12: 8 bytes link-layer address (padded)
     *  20: payload
     */
    private static SkipReason sll2(DecodeContext c, int off, int cap, int wire) {
        if (cap - off < 20) {
            return missing(20, off, wire);
        }
        return Network.ethertype(c, Be.u16(c.buf, off), off + 20, cap, wire, 0);
    }
}
