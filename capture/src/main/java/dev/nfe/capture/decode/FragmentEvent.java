package dev.nfe.capture.decode;

/**
 * What IP fragment reassembly did, counted in {@link DecodeStats} as {@code fragments.<code>}. The
 * frames themselves are counted as usual: the fragment that completes a datagram is the frame of
 * its segment, every other fragment is a {@link SkipReason#IPV4_FRAGMENT} or
 * {@link SkipReason#IPV6_FRAGMENT} frame. These counts say what became of the datagrams.
 *
 * <p>Datagrams: every datagram whose first fragment arrived is, in the end, exactly one of
 * {@link #REASSEMBLED}, {@link #TIMED_OUT}, {@link #IPV6_OVERLAP}, {@link #TOO_BIG},
 * {@link #INCONSISTENT}, {@link #EVICTED_TABLE_FULL}, {@link #EVICTED_BYTES_CAP}, or still waiting
 * ({@code fragments.in_progress}, a gauge: at the end of an input, the datagrams that never
 * completed). Fragments: {@link #DUPLICATE}, {@link #IPV4_OVERLAP}, {@link #IPV4_OVERLAP_CONFLICT},
 * {@link #MALFORMED}, {@link #AFTER_DISCARD}, {@link #TRUNCATED}. Anomalies of whole datagrams that
 * were rebuilt all the same: {@link #TINY_FIRST}.
 */
public enum FragmentEvent {
    /** A datagram was rebuilt from all its fragments and decoded further. */
    REASSEMBLED,
    /** A datagram was still incomplete when its timeout (from its first fragment, capture time) passed: discarded. */
    TIMED_OUT,
    /** An IPv6 datagram had overlapping fragments (not exact duplicates): discarded with every later fragment of it, as RFC 5722 requires. */
    IPV6_OVERLAP,
    /** A fragment ended past the largest datagram allowed ({@link FragmentLimits#maxDatagramBytes()}): the datagram was discarded. */
    TOO_BIG,
    /** Fragments disagreed on where the datagram ends (two different last fragments, or bytes past the end the last one set): discarded. */
    INCONSISTENT,
    /** Cap: the table of datagrams in progress was full, so the oldest entry was evicted to make room. */
    EVICTED_TABLE_FULL,
    /** Cap: the bytes held would have passed {@link FragmentLimits#maxHeldBytes()}, so the oldest other datagram was evicted. */
    EVICTED_BYTES_CAP,
    /** A fragment brought nothing new: all its bytes were held already, with the same values. Ignored. */
    DUPLICATE,
    /** An IPv4 fragment overlapped bytes already held, with the same values there, and brought new ones. */
    IPV4_OVERLAP,
    /** An IPv4 fragment overlapped bytes already held with different values: the bytes that came first were kept. */
    IPV4_OVERLAP_CONFLICT,
    /** A fragment that cannot be placed: no data, or not the last one and not a multiple of 8 bytes long (or, from a caller other than the decoder, an offset that no header can give). Ignored. */
    MALFORMED,
    /** A fragment of a datagram already discarded (IPv6 overlap, too big, inconsistent): ignored until that datagram's timeout. */
    AFTER_DISCARD,
    /** A fragment cut by the snap length: its datagram can only be delivered as a truncated segment. */
    TRUNCATED,
    /**
     * A rebuilt TCP datagram whose TCP header was not wholly inside the first fragment, or was
     * overlapped by another fragment: the "tiny fragment" and "overlapping fragment" attacks of
     * RFC 1858 (and IPv6's RFC 7112 header chain rule). Rebuilt and decoded all the same.
     */
    TINY_FIRST;

    /** Lower-case stable code, e.g. {@code timed_out}. */
    public String code() {
        return name().toLowerCase(java.util.Locale.ROOT);
    }
}
