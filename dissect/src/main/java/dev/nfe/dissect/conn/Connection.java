package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.classify.Event;

/**
 * The live state of one TCP connection: two {@link Direction}s and their shared
 * {@link ConnectionLog}. Segments go in through {@link #segment}; {@link #finish} hands what the
 * reassemblers still hold to the decoders and returns an immutable {@link ConnectionSnapshot},
 * from which {@link SessionAssembler} builds the session record.
 *
 * <p>Direction 0 is the sender of the first segment seen; roles (client/server) are decided only
 * at the end, from the strongest evidence available (see ClientBasis).
 */
public final class Connection {
    private final ConnectionContext ctx;
    private final Anomalies anomalies = new Anomalies();
    private final ConnectionLog log;
    private final Direction[] dirs = new Direction[2];
    /** The receiver of the first segment: the other endpoint, even if it never sends. */
    private final Endpoint firstReceiver;
    /** Where the driver's input held the first segment (a Kafka offset, say); see Dissector. */
    private final long startPosition;
    private final long captureLossAtStart;

    private final long firstFrame;
    private final long firstTs;
    private long lastFrame;
    private long lastTs;
    private long packets;
    private int synDir = -1;
    private long synIsn;

    public Connection(TcpSegment first, ConnectionContext ctx, long startPosition, long captureLossAtStart) {
        this.ctx = ctx;
        this.log = new ConnectionLog(anomalies, ctx.maxEvents(), ctx.maxAlerts(), ctx.maxRstFrames());
        this.startPosition = startPosition;
        this.captureLossAtStart = captureLossAtStart;
        this.dirs[0] = new Direction(0, first.src(), log, ctx);
        this.firstReceiver = first.dst();
        this.firstFrame = first.frame();
        this.firstTs = first.timestampNanos();
        this.lastTs = first.timestampNanos();
    }

    /** Feeds one segment of this flow. */
    public void segment(TcpSegment s) {
        int d = s.src().equals(dirs[0].sender()) ? 0 : 1;
        Direction dir = dirs[d];
        if (dir == null) {
            dir = dirs[1] = new Direction(1, s.src(), log, ctx);
        }
        Direction peer = dirs[1 - d];
        packets++;
        lastFrame = s.frame();
        lastTs = Math.max(lastTs, s.timestampNanos());
        if (s.ackFlag() && peer != null) {
            dir.acknowledged(peer.positionOf(s.ack()));
        }
        // a new connection on this 4-tuple is told apart by its first SYN (see reusedBy)
        if (s.syn() && !s.ackFlag() && !dir.synSeen() && synDir < 0) {
            synDir = d;
            synIsn = s.seq();
        }
        dir.segment(s, packets);
        if (s.rst()) {
            log.rst(d, new Event.Rst(s.ttl(), s.ipId(), dir.state(), peer == null ? Event.Side.UNKNOWN : peer.state()),
                    s.frame(), s.timestampNanos());
        }
        if (s.fin()) { // the peer's state is evidence for a FIN only: not made for every segment
            dir.fin(s, peer == null ? Event.Side.UNKNOWN : peer.state());
        }
    }

    /** True once the connection is over on the wire: a RST, or FIN from both sides. */
    public boolean closed() {
        return log.rstCount() > 0 || (dirs[1] != null && dirs[0].finSeen() && dirs[1].finSeen());
    }

    /** True once a RST was seen: the connection is over for both ends. */
    public boolean resetSeen() {
        return log.rstCount() > 0;
    }

    public long lastTs() {
        return lastTs;
    }

    /** The capture's loss counter when this connection's first segment came (see Dissector#captureLoss). */
    public long captureLossAtStart() {
        return captureLossAtStart;
    }

    public long startPosition() {
        return startPosition;
    }

    public long firstFrame() {
        return firstFrame;
    }

    /**
     * True when {@code s} (a SYN without ACK) opens a new connection on this 4-tuple rather than
     * repeating this one's SYN. As in Wireshark, port reuse splits the stream at that SYN: a SYN
     * whose sender or ISN differs from this connection's first SYN, or any SYN after a
     * connection that never had one (a capture that began mid-flow).
     */
    public boolean reusedBy(TcpSegment s) {
        if (synDir < 0) {
            return true;
        }
        return !s.src().equals(dirs[synDir].sender()) || s.seq() != synIsn;
    }

    /** True when this connection had more turning points than were kept. */
    public boolean timelineCapped() {
        return log.capped();
    }

    /** The flow table was full and this, the least recently active connection, had to go. */
    public void flowTableFull() {
        anomalies.add("evicted_flow_table_full");
    }

    /**
     * The connection is over: bytes held behind holes reach the decoders (their events carry the
     * frames they arrived in), then everything known is read once into a snapshot.
     */
    public ConnectionSnapshot finish() {
        for (Direction d : dirs) {
            if (d != null) {
                d.flush(lastFrame, lastTs);
            }
        }
        return new ConnectionSnapshot(dirs[0].sender(), firstReceiver, dirs[0].snapshot(),
                dirs[1] == null ? null : dirs[1].snapshot(), log.events(), log.capped(), log.rsts(),
                log.rstCount(), log.clientHellos(), log.starttls(), log.certificatesFrom(0), log.certificatesFrom(1),
                firstFrame, lastFrame, firstTs, lastTs, packets, anomalies.list());
    }
}
