package dev.nfe.capture.decode;

/**
 * The caps and timeouts of IP fragment reassembly ({@link FragmentReassembler}), one set per decoder.
 * Hitting a cap discards an incomplete datagram, and is counted in {@link DecodeStats} under a
 * {@link FragmentEvent}; nothing grows without bound.
 *
 * @param maxDatagrams        datagrams in progress at once (IPv4 and IPv6 together), including the
 *                            remnants kept of discarded ones; when full, the oldest is evicted
 *                            ({@link FragmentEvent#EVICTED_TABLE_FULL})
 * @param maxHeldBytes        bytes held by all datagrams in progress (their buffers and fragment
 *                            lists); when a datagram would go over, the oldest others are evicted
 *                            ({@link FragmentEvent#EVICTED_BYTES_CAP})
 * @param maxDatagramBytes    the largest datagram rebuilt: an IPv4 total length (header included),
 *                            an IPv6 payload length (extension headers included); both protocols
 *                            allow 65,535 (a fragment that ends past it is the "ping of death":
 *                            {@link FragmentEvent#TOO_BIG})
 * @param ipv4TimeoutNanos    how long an IPv4 datagram may wait for its fragments, from its first
 *                            fragment, in capture time (Linux's {@code ipfrag_time} is 30 s)
 * @param ipv6TimeoutNanos    the same for IPv6 (RFC 8200 section 4.5: 60 s)
 */
public record FragmentLimits(int maxDatagrams, long maxHeldBytes, int maxDatagramBytes, long ipv4TimeoutNanos,
                             long ipv6TimeoutNanos) {

    /**
     * 8,192 datagrams and 32 MiB per decoder (Suricata's defrag memcap is 32 MB; Linux holds 4 MiB
     * per network namespace, but a capture of a busy link sees many hosts' fragments at once), the
     * protocols' own 65,535-byte limit, 30 s for IPv4 and 60 s for IPv6.
     */
    public static final FragmentLimits DEFAULT = new FragmentLimits(8_192, 32L << 20, 65_535,
            30_000_000_000L, 60_000_000_000L);

    public FragmentLimits {
        if (maxDatagrams < 1 || maxHeldBytes < 1 || maxDatagramBytes < 1 || maxDatagramBytes > 65_535
                || ipv4TimeoutNanos < 0 || ipv6TimeoutNanos < 0) {
            throw new IllegalArgumentException("fragment limits out of range: " + maxDatagrams + " datagrams, "
                    + maxHeldBytes + " bytes held, " + maxDatagramBytes + " bytes per datagram (at most 65535), timeouts "
                    + ipv4TimeoutNanos + "/" + ipv6TimeoutNanos + " ns");
        }
    }
}
