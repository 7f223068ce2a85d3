package dev.nfe.capture.decode;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * Rebuilds IPv4 and IPv6 datagrams from their fragments: bytes in ({@link #offer}), a whole
 * datagram out when a fragment completes one. It knows nothing of link layers or of what the
 * datagram carries, so a test or a fuzz harness can drive it directly; {@link SegmentDecoder} owns
 * one per input (state is per instance, never shared).
 *
 * <p>What it does, and why:
 * <ul>
 *   <li><b>Keys.</b> RFC 791 section 3.2: source, destination, protocol and identification; RFC
 *       8200 section 4.5: source, destination and the 32-bit identification. Plus a scope: for IP
 *       inside a tunnel, a hash of the enclosing headers' addresses, so that two tunnels carrying
 *       the same inner addresses (overlapping private ranges) do not mix their fragments.</li>
 *   <li><b>Any order, duplicates.</b> Fragments may come in any order; one whose bytes are all
 *       held already with the same values is a {@link FragmentEvent#DUPLICATE} and changes nothing.</li>
 *   <li><b>Overlaps.</b> IPv6: any other overlap discards the datagram and, until its timeout,
 *       every later fragment of it (RFC 5722). IPv4: <em>first wins</em> — a fragment fills only
 *       the holes it covers, and bytes that came first are kept (the "first" target policy of
 *       Snort's frag3 and Suricata: Windows and Solaris hosts). Linux since 4.19 drops an IPv4
 *       datagram with overlaps instead, and BSD favours a fragment that starts earlier; no policy
 *       matches every host, so the choice that loses no data is taken, and every overlap is
 *       counted ({@link FragmentEvent#IPV4_OVERLAP}, {@link FragmentEvent#IPV4_OVERLAP_CONFLICT}
 *       when the bytes differ: the mark of an evasion attempt).</li>
 *   <li><b>Time is capture time.</b> A datagram waits at most its timeout from its first
 *       fragment (30 s IPv4, like Linux's {@code ipfrag_time}; 60 s IPv6, RFC 8200), measured in
 *       frame timestamps: {@link #expire} runs as frames arrive, never on the wall clock. The clock
 *       is the latest timestamp seen, so a frame stamped earlier than one before it (captures
 *       merged from several interfaces) neither stops nor restarts a timeout.</li>
 *   <li><b>Caps.</b> Datagrams in progress, bytes held, and the largest datagram (see
 *       {@link FragmentLimits}); the oldest datagram makes room, and every eviction or discard is
 *       counted.</li>
 *   <li><b>Malformed fragments</b> (empty; or not the last and not a multiple of 8 bytes) are
 *       ignored ({@link FragmentEvent#MALFORMED}). Fragments that disagree on the end of the
 *       datagram discard it, as Linux does ({@link FragmentEvent#INCONSISTENT}).</li>
 *   <li><b>The rebuilt datagram</b> carries the protocol, TTL / hop limit of its offset-0
 *       fragment (whose header RFC 791 and RFC 8200 keep for the reassembled packet), and its own
 *       array: fragments are copied into it once as they arrive, and nothing writes to it after
 *       it is handed out, so segments may keep views of it.</li>
 * </ul>
 */
public final class FragmentReassembler {
    private static final int PROTO_TCP = 6;

    /**
     * What identifies one datagram's fragments.
     *
     * @param id    IPv4: {@code protocol << 16 | identification}; IPv6: the Fragment header's identification
     * @param scope 0 outside tunnels; else a hash of the enclosing IP headers' addresses
     */
    public record Key(boolean v6, long srcHi, long srcLo, long dstHi, long dstLo, long id, long scope) {

        public static Key ipv4(long src, long dst, int protocol, int identification, long scope) {
            return new Key(false, 0, src & 0xffff_ffffL, 0, dst & 0xffff_ffffL,
                    ((long) (protocol & 0xff) << 16) | (identification & 0xffff), scope);
        }

        public static Key ipv6(long srcHi, long srcLo, long dstHi, long dstLo, long identification, long scope) {
            return new Key(true, srcHi, srcLo, dstHi, dstLo, identification & 0xffff_ffffL, scope);
        }
    }

    /**
     * One fragment's header facts.
     *
     * @param offset      where its data goes in the fragmentable part, in bytes (the header's offset times 8)
     * @param more        the "more fragments" flag (IPv4 MF, IPv6 M)
     * @param protocol    IPv4: the header's protocol; IPv6: the Fragment header's next header
     * @param ttl         TTL or hop limit
     * @param headerBytes the bytes in front of the fragmentable part that count toward
     *                    {@link FragmentLimits#maxDatagramBytes()}: the IPv4 header, or the IPv6
     *                    extension headers before the Fragment header (RFC 8200's payload length
     *                    does not count the fixed 40-byte header)
     */
    public record Fragment(Key key, long timestampNanos, int offset, boolean more, int protocol, int ttl,
                           int headerBytes) {
    }

    /**
     * A rebuilt datagram: its fragmentable part in {@code bytes[0, length)}, of which the first
     * {@code capturedLength} were captured (less when a fragment was cut by the snap length). The
     * array belongs to the caller and may be longer than {@code length}.
     */
    public record Datagram(byte[] bytes, int capturedLength, int length, int protocol, int ttl) {
    }

    private final FragmentLimits limits;
    private final DecodeStats stats;
    /** In creation order, so the head is the oldest: one table per version since the timeouts differ. */
    private final LinkedHashMap<Key, PendingDatagram> v4 = new LinkedHashMap<>();
    private final LinkedHashMap<Key, PendingDatagram> v6 = new LinkedHashMap<>();
    private long heldBytes;
    private long sequence;
    /**
     * The latest frame timestamp seen: the reassembly clock. Captures are not always in time order
     * (the replay's flow expiry uses the same rule), and with a clock that never goes back the
     * tables' creation order is also their deadline order.
     */
    private long clock = Long.MIN_VALUE;
    /** No datagram can time out before this capture time; Long.MAX_VALUE when none is held. */
    private long nextDeadline = Long.MAX_VALUE;

    public FragmentReassembler(FragmentLimits limits, DecodeStats stats) {
        if (limits == null || stats == null) {
            throw new IllegalArgumentException("limits and stats are required");
        }
        this.limits = limits;
        this.stats = stats;
    }

    /**
     * Takes one fragment whose data (the fragmentable part from {@code f.offset()}, {@code length}
     * bytes on the wire) has its first {@code capturedLength} bytes in {@code buf} from {@code off}.
     * Returns the whole datagram when this fragment completed it, else null: the fragment is held,
     * or was ignored, or its datagram was discarded, each counted in the stats. Any header values
     * are accepted (they are data); only a buffer range that does not exist is an error.
     *
     * @throws IndexOutOfBoundsException when {@code buf} has no {@code capturedLength} bytes at {@code off}
     */
    public Datagram offer(Fragment f, byte[] buf, int off, int capturedLength, int length) {
        Objects.checkFromIndexSize(off, Math.max(0, capturedLength), buf.length);
        expire(f.timestampNanos());
        long now = clock;
        if (length <= 0 || (f.more() && (length & 7) != 0) || capturedLength < 0 || capturedLength > length
                || f.offset() < 0 || (f.offset() & 7) != 0 || f.headerBytes() < 0) {
            stats.fragment(FragmentEvent.MALFORMED);
            return null;
        }
        if (capturedLength < length) {
            stats.fragment(FragmentEvent.TRUNCATED);
        }
        Map<Key, PendingDatagram> table = f.key().v6() ? v6 : v4;
        PendingDatagram p = table.get(f.key());
        if (p != null && p.discarded()) {
            stats.fragment(FragmentEvent.AFTER_DISCARD);
            return null;
        }
        if (p == null) {
            p = open(f.key(), now);
        }
        int maxLength = limits.maxDatagramBytes() - f.headerBytes();
        if ((long) f.offset() + length > maxLength) {
            return discard(p, FragmentEvent.TOO_BIG);
        }
        int end = f.offset() + length;
        if (!f.more()) {
            if ((p.length >= 0 && p.length != end) || p.highestEnd() > end) {
                return discard(p, FragmentEvent.INCONSISTENT);
            }
            p.length = end;
        } else if (p.length >= 0 && end > p.length) {
            return discard(p, FragmentEvent.INCONSISTENT);
        }
        if (!makeRoom(table, f.key(), p, p.growthFor(end, maxLength))) {
            return null;
        }
        long before = p.heldBytes();
        PendingDatagram.Placed placed = p.place(f.key().v6(), f.offset(), length, capturedLength, buf, off, maxLength);
        heldBytes += p.heldBytes() - before;
        switch (placed) {
            case NEW -> { }
            case DUPLICATE -> stats.fragment(FragmentEvent.DUPLICATE);
            case OVERLAP -> stats.fragment(FragmentEvent.IPV4_OVERLAP);
            case CONFLICT -> stats.fragment(FragmentEvent.IPV4_OVERLAP_CONFLICT);
            case IPV6_OVERLAP -> {
                return discard(p, FragmentEvent.IPV6_OVERLAP);
            }
        }
        if (f.offset() == 0 && p.firstFragmentLength < 0) {
            p.protocol = f.protocol();
            p.ttl = f.ttl();
            p.firstFragmentLength = length;
        }
        return p.complete() ? finish(table, f.key(), p) : null;
    }

    /**
     * Moves the clock to capture time {@code nowNanos} (if that is later) and discards every datagram
     * whose timeout has passed. Cheap when none has.
     */
    public void expire(long nowNanos) {
        if (nowNanos > clock) {
            clock = nowNanos;
        }
        if (clock < nextDeadline) {
            return;
        }
        expire(v4, clock, limits.ipv4TimeoutNanos());
        expire(v6, clock, limits.ipv6TimeoutNanos());
        nextDeadline = Math.min(deadline(v4, limits.ipv4TimeoutNanos()), deadline(v6, limits.ipv6TimeoutNanos()));
    }

    /** Datagrams in progress, and remnants of discarded ones still swallowing their late fragments. */
    public int entries() {
        return v4.size() + v6.size();
    }

    /** Bytes held by the datagrams in progress. */
    public long heldBytes() {
        return heldBytes;
    }

    private PendingDatagram open(Key key, long now) {
        while (entries() >= limits.maxDatagrams()) {
            evictOldest(FragmentEvent.EVICTED_TABLE_FULL, null);
        }
        PendingDatagram p = new PendingDatagram(sequence++, now);
        (key.v6() ? v6 : v4).put(key, p);
        stats.fragmentsInProgress(1);
        long timeout = key.v6() ? limits.ipv6TimeoutNanos() : limits.ipv4TimeoutNanos();
        nextDeadline = Math.min(nextDeadline, saturatedAdd(now, timeout));
        return p;
    }

    /** Evicts the oldest others until {@code more} bytes fit; if they cannot, evicts {@code p} itself and returns false. */
    private boolean makeRoom(Map<Key, PendingDatagram> table, Key key, PendingDatagram p, long more) {
        while (heldBytes + more > limits.maxHeldBytes()) {
            if (!evictOldest(FragmentEvent.EVICTED_BYTES_CAP, p)) {
                table.remove(key);
                release(p, FragmentEvent.EVICTED_BYTES_CAP);
                return false;
            }
        }
        return true;
    }

    /**
     * Removes the oldest entry other than {@code except}; counts it under {@code why} when it was a
     * datagram in progress (a remnant of a discarded one was counted when it was discarded).
     */
    private boolean evictOldest(FragmentEvent why, PendingDatagram except) {
        Map.Entry<Key, PendingDatagram> a = oldest(v4, except);
        Map.Entry<Key, PendingDatagram> b = oldest(v6, except);
        Map.Entry<Key, PendingDatagram> victim = a == null ? b
                : b == null || a.getValue().sequence < b.getValue().sequence ? a : b;
        if (victim == null) {
            return false;
        }
        (victim.getKey().v6() ? v6 : v4).remove(victim.getKey());
        release(victim.getValue(), why);
        return true;
    }

    private static Map.Entry<Key, PendingDatagram> oldest(LinkedHashMap<Key, PendingDatagram> table,
                                                         PendingDatagram except) {
        for (Map.Entry<Key, PendingDatagram> e : table.entrySet()) {
            if (e.getValue() != except) {
                return e;
            }
        }
        return null;
    }

    /** Forgets an entry that left its table: its bytes, and (if it was in progress) the gauge, counting {@code why}. */
    private void release(PendingDatagram p, FragmentEvent why) {
        if (!p.discarded()) {
            heldBytes -= p.heldBytes();
            p.discard();
            stats.fragmentsInProgress(-1);
            stats.fragment(why);
        }
    }

    /** Discards a datagram for cause; the entry stays until its timeout to swallow later fragments. */
    private Datagram discard(PendingDatagram p, FragmentEvent why) {
        heldBytes -= p.heldBytes();
        p.discard();
        stats.fragmentsInProgress(-1);
        stats.fragment(why);
        return null;
    }

    private Datagram finish(Map<Key, PendingDatagram> table, Key key, PendingDatagram p) {
        table.remove(key);
        heldBytes -= p.heldBytes();
        stats.fragmentsInProgress(-1);
        stats.fragment(FragmentEvent.REASSEMBLED);
        byte[] bytes = p.data();
        int captured = Math.min(p.capturedLimit, p.length);
        if (p.protocol == PROTO_TCP) {
            /* The TCP header's data offset (byte 12, high nibble, in 32-bit words) says how long it is. */
            int header = captured > 12 ? Math.max(20, ((bytes[12] & 0xf0) >>> 4) * 4) : 20;
            if (p.firstFragmentLength < header || p.lowestOverlap < header) {
                stats.fragment(FragmentEvent.TINY_FIRST);
            }
        }
        return new Datagram(bytes, captured, p.length, p.protocol, p.ttl);
    }

    private void expire(LinkedHashMap<Key, PendingDatagram> table, long now, long timeout) {
        Iterator<PendingDatagram> it = table.values().iterator();
        while (it.hasNext()) {
            PendingDatagram p = it.next();
            if (now <= saturatedAdd(p.firstTimestamp, timeout)) {
                break;
            }
            it.remove();
            release(p, FragmentEvent.TIMED_OUT);
        }
    }

    private static long deadline(LinkedHashMap<Key, PendingDatagram> table, long timeout) {
        for (PendingDatagram p : table.values()) {
            return saturatedAdd(p.firstTimestamp, timeout);
        }
        return Long.MAX_VALUE;
    }

    private static long saturatedAdd(long a, long b) {
        long r = a + b;
        return ((a ^ r) & (b ^ r)) < 0 ? Long.MAX_VALUE : r;
    }
}
