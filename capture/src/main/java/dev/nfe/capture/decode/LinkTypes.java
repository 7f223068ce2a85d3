package dev.nfe.capture.decode;

/**
 * The LINKTYPE_* values the decoder understands (https://www.tcpdump.org/linktypes.html). A pcap
 * file's header and a pcapng interface carry one of these for every frame.
 */
public final class LinkTypes {
    /** BSD loopback: a 4-byte address family in the writing host's byte order, then IP. */
    public static final int NULL = 0;
    /** Ethernet II / 802.3. */
    public static final int ETHERNET = 1;
    /** DLT_RAW as numbered on most BSDs and Linux before LINKTYPE_RAW existed: bare IPv4 or IPv6. */
    public static final int RAW_DLT12 = 12;
    /** DLT_RAW as numbered on OpenBSD: bare IPv4 or IPv6. */
    public static final int RAW_DLT14 = 14;
    /** Bare IPv4 or IPv6; the version nibble decides. */
    public static final int RAW = 101;
    /** OpenBSD loopback: like {@link #NULL} but the address family is in network byte order. */
    public static final int LOOP = 108;
    /** Linux "cooked" capture v1 (SLL), 16-byte header. */
    public static final int LINUX_SLL = 113;
    /** Bare IPv4. */
    public static final int IPV4 = 228;
    /** Bare IPv6. */
    public static final int IPV6 = 229;
    /** Linux "cooked" capture v2 (SLL2), 20-byte header; what {@code tcpdump -i any} writes. */
    public static final int LINUX_SLL2 = 276;

    private LinkTypes() {
    }

    /** True when {@link SegmentDecoder} decodes frames of this link type. */
    public static boolean supported(int linkType) {
        return switch (linkType) {
            case NULL, ETHERNET, RAW_DLT12, RAW_DLT14, RAW, LOOP, LINUX_SLL, IPV4, IPV6, LINUX_SLL2 -> true;
            default -> false;
        };
    }
}
