package dev.nfe.capture.decode;

/**
 * Why a frame produced no {@link dev.nfe.capture.TcpSegment}. Every frame that is not a TCP segment
 * is counted under exactly one reason in {@link DecodeStats}. {@link #code()} is the stable name used
 * in reports and metrics.
 */
public enum SkipReason {
    /** The link layer carries something other than IP: ARP, LLDP, 802.3/LLC, PPP control, an unknown ethertype or address family. */
    NON_IP,
    /**
     * IP that carries no TCP: UDP (other than a recognised tunnel), ICMP (including ICMP errors
     * quoting a TCP header), SCTP, IGMP, ...; also every fragment of a datagram of such a protocol
     * (other than UDP), which is not reassembled at all.
     */
    NON_TCP,
    /**
     * An IPv4 fragment (MF set or fragment offset &gt; 0) that did not complete its datagram: held
     * for reassembly (its bytes reach the segment of the fragment that completes the datagram), or
     * ignored, or part of a datagram that was discarded; {@link FragmentEvent} says which.
     */
    IPV4_FRAGMENT,
    /** The same for an IPv6 fragment (a Fragment header that is not atomic: offset &gt; 0 or M set). */
    IPV6_FRAGMENT,
    /** IPsec ESP: the payload is encrypted (also each fragment of an ESP datagram, not reassembled). */
    ENCRYPTED,
    /** IPv6 next header 59: nothing follows. */
    NO_NEXT_HEADER,
    /** A LINKTYPE this decoder does not know. */
    UNSUPPORTED_LINK_TYPE,
    /** A known encapsulation in a variant not decoded: GRE version 1 (PPTP) or with routing, MPLS pseudowire, Geneve payload other than Ethernet/IP. */
    UNSUPPORTED_ENCAPSULATION,
    /** More nested tunnels than the decoder's limit. */
    TUNNEL_TOO_DEEP,
    /** A link, IP or tunnel header was cut by the snap length. */
    TRUNCATED,
    /** The TCP header was cut by the snap length: the segment existed but its header is lost. */
    TCP_HEADER_TRUNCATED,
    /** A header contradicts itself or the frame: wrong IP version, IHL &lt; 5, TCP data offset &lt; 5, lengths past the packet. */
    MALFORMED;

    /** Lower-case stable code, e.g. {@code ipv4_fragment}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
