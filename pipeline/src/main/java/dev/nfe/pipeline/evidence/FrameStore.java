package dev.nfe.pipeline.evidence;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.file.PcapngWriter;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code nfe agent --evidence DIR}: the recent frames of every open connection, so that when a
 * connection ends in a finding its frames can go into its incident's file. Live there is no second
 * pass over a file: what is not kept while the connection is open is gone.
 *
 * <p>Per connection (the 4-tuple on one interface, both directions; a SYN with a new sequence number
 * on a known tuple starts a new connection) the first {@code head} frames and a ring of the last
 * {@code tail} ({@link ConnectionFrames}). Everything held, here and in what the evidence sink
 * keeps after a connection ended (charged through {@link #charge}), counts against one byte cap:
 * when a frame would pass it, the least recently active connections go first; when nothing is left
 * to drop (the cap is all kept evidence), the frame is refused. Every one of these is counted
 * ({@link Stats}). Connections the dissector never reports (not TLS, no RST) are dropped once idle
 * for longer than the dissector keeps a flow ({@link #advanceTo}).
 *
 * <p>Fed on the agent's processing thread, just before the frame's segment goes to the dissector,
 * so the frame that ends a connection (its RST) is with it when the dissector finalises it then;
 * a SYN that starts a new connection on the tuple starts a new entry, which the session of the old
 * one (over before that SYN) does not overlap ({@link #take}). Not thread-safe, except {@link #stats}.
 */
public final class FrameStore {
    public static final int DEFAULT_HEAD = 32;
    public static final int DEFAULT_TAIL = 16;
    public static final long DEFAULT_MEMORY = 64L << 20;
    /** What a connection costs besides its frames (its map entry, deque, ring array). */
    static final long CONNECTION_COST = 256;

    /** A connection's tuple on one interface, the same both ways. */
    record Key(int source, Endpoint a, Endpoint b) {
        static Key of(int source, Endpoint x, Endpoint y) {
            return x.compareTo(y) <= 0 ? new Key(source, x, y) : new Key(source, y, x);
        }
    }

    /**
     * The store's counters: bytes held (of {@code maxBytes}), connections open, frames stored,
     * frames the per-connection ring left out, connections and their frames dropped for memory,
     * frames refused for memory, and connections dropped unreported after the idle time.
     */
    public record Stats(long bytes, long maxBytes, int connections, long framesStored, long framesLeftOut,
                        long connectionsEvicted, long framesEvicted, long framesRefused, long connectionsExpired) {
    }

    private final int head;
    private final int tail;
    private final long maxBytes;
    private final long expireNanos;
    private int[] tsresol = new int[0];
    /** Access order: the least recently active tuple first. */
    private final LinkedHashMap<Key, ArrayDeque<ConnectionFrames>> open = new LinkedHashMap<>(256, 0.75f, true);
    private long clock;
    private volatile long bytes;
    private volatile int connections;
    private volatile long framesStored;
    private volatile long framesLeftOut;
    private volatile long connectionsEvicted;
    private volatile long framesEvicted;
    private volatile long framesRefused;
    private volatile long connectionsExpired;

    /**
     * @param expireNanos how long a connection may stay quiet before it is dropped unreported: longer
     *                    than the dissector keeps an idle flow, so that it is reported first
     */
    public FrameStore(int head, int tail, long maxBytes, long expireNanos) {
        if (head < 1 || tail < 0 || maxBytes < 1 || expireNanos <= 0) {
            throw new IllegalArgumentException("invalid evidence store settings");
        }
        this.head = head;
        this.tail = tail;
        this.maxBytes = maxBytes;
        this.expireNanos = expireNanos;
    }

    /** Interface {@code source}'s timestamps carry nanoseconds (else microseconds): how its frames are written. */
    public void source(int source, boolean nanosecondTimestamps) {
        if (source >= tsresol.length) {
            tsresol = Arrays.copyOf(tsresol, source + 1);
        }
        tsresol[source] = nanosecondTimestamps ? PcapngWriter.NANOSECONDS : PcapngWriter.MICROSECONDS;
    }

    /** A frame and the TCP segment it holds (before the dissector has the segment). {@code data} is kept as is. */
    public void frame(int source, long number, long tsNanos, int linkType, byte[] data, int originalLength, TcpSegment s) {
        Key key = Key.of(source, s.src(), s.dst());
        ArrayDeque<ConnectionFrames> conns = open.get(key);
        boolean newSyn = s.syn() && !s.ackFlag();
        ConnectionFrames c = conns == null ? null : conns.peekLast();
        boolean starts = c == null || (newSyn && c.synSeq != s.seq());
        StoredFrame f = new StoredFrame(source, number, tsNanos, linkType, source < tsresol.length ? tsresol[source]
                : PcapngWriter.MICROSECONDS, data, originalLength, s.rst(), s.fin());
        // A new connection is reserved with its first frame: one whose first frame is refused leaves no
        // empty entry, which take would hand over as frames of a session that has none. A frame that
        // pushes the oldest out of a full ring needs only the difference: reserving it whole would drop
        // other connections for room that is given back at once.
        long freed = starts ? 0 : c.freedByAdding(f);
        long grows = Math.max(0, f.cost() - freed);
        if (!reserve(grows + (starts ? CONNECTION_COST : 0), key)) {
            framesRefused++;
            return;
        }
        if (starts) {
            c = new ConnectionFrames(head, tail, tsNanos);
            if (conns == null) {
                conns = new ArrayDeque<>(1);
                open.put(key, conns);
            }
            conns.addLast(c);
            connections++;
        }
        if (newSyn) {
            c.synSeq = s.seq();
        }
        if (c.add(f) > 0) {
            framesLeftOut++;
        }
        bytes -= grows + freed - f.cost(); // the new frame was smaller than the one it pushed out
        framesStored++;
    }

    /**
     * Takes the frames of a connection the dissector finalised: on that tuple, the first connection
     * whose frames overlap the session's time; older ones on the tuple (never reported) go. Null when
     * the store has none (dropped for memory, or begun before the capture and not seen).
     */
    ConnectionFrames take(int source, Endpoint client, Endpoint server, long firstTsNanos, long lastTsNanos) {
        Key key = Key.of(source, client, server);
        ArrayDeque<ConnectionFrames> conns = open.get(key);
        if (conns == null) {
            return null;
        }
        ConnectionFrames found = null;
        Iterator<ConnectionFrames> it = conns.iterator();
        while (it.hasNext() && found == null) {
            ConnectionFrames c = it.next();
            if (c.firstTsNanos > lastTsNanos) {
                break; // a later connection on the same tuple
            }
            it.remove();
            connections--;
            if (c.lastTsNanos >= firstTsNanos) {
                found = c;
            } else {
                connectionsExpired++;
                release(c.bytes() + CONNECTION_COST);
            }
        }
        if (conns.isEmpty()) {
            open.remove(key);
        }
        if (found != null) {
            release(CONNECTION_COST); // its frames stay charged: the sink holds them now
        }
        return found;
    }

    /**
     * Event time reached {@code clockNanos}: connections quiet for longer than the expiry were not
     * reported (no TLS, no RST) and go.
     */
    public void advanceTo(long clockNanos) {
        clock = Math.max(clock, clockNanos);
        Iterator<ArrayDeque<ConnectionFrames>> it = open.values().iterator();
        while (it.hasNext()) {
            ArrayDeque<ConnectionFrames> conns = it.next();
            conns.removeIf(c -> {
                if (clock - c.lastTsNanos > expireNanos) {
                    connectionsExpired++;
                    connections--;
                    release(c.bytes() + CONNECTION_COST);
                    return true;
                }
                return false;
            });
            if (conns.isEmpty()) {
                it.remove();
            }
        }
    }

    /** The latest event time the agent gave. */
    long clock() {
        return clock;
    }

    /** Charges bytes the sink holds besides what it took from here (a comparison shared by an incident). */
    boolean charge(long n) {
        return reserve(n, null);
    }

    /** Bytes the sink no longer holds. */
    void release(long n) {
        bytes -= n;
    }

    /** Makes room for {@code n} bytes, dropping the least recently active connections but {@code keep}'s. */
    private boolean reserve(long n, Key keep) {
        Iterator<Map.Entry<Key, ArrayDeque<ConnectionFrames>>> it = open.entrySet().iterator();
        while (bytes + n > maxBytes && it.hasNext()) {
            Map.Entry<Key, ArrayDeque<ConnectionFrames>> e = it.next();
            if (e.getKey().equals(keep)) {
                continue;
            }
            it.remove();
            for (ConnectionFrames c : e.getValue()) {
                connectionsEvicted++;
                connections--;
                framesEvicted += c.size();
                release(c.bytes() + CONNECTION_COST);
            }
        }
        if (bytes + n > maxBytes) {
            return false;
        }
        bytes += n;
        return true;
    }

    public int head() {
        return head;
    }

    public int tail() {
        return tail;
    }

    public long maxBytes() {
        return maxBytes;
    }

    /** The counters (any thread). */
    public Stats stats() {
        return new Stats(bytes, maxBytes, connections, framesStored, framesLeftOut, connectionsEvicted, framesEvicted,
                framesRefused, connectionsExpired);
    }
}
