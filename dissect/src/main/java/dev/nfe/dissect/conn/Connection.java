package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.classify.EventKind;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The live state of one TCP connection: two {@link Direction}s and a timeline of turning points
 * in arrival order. Segments go in through {@link #segment}; {@link SessionAssembler} turns the
 * state into a session record when the connection is finalised.
 *
 * <p>Direction 0 is the sender of the first segment seen; roles (client/server) are decided only
 * at the end, from the strongest evidence available (see ClientBasis).
 */
public final class Connection {
    private static final int MAX_ANOMALIES = 32;

    private final ConnectionContext ctx;
    final Direction[] dirs = new Direction[2];
    final List<ConnEvent> log = new ArrayList<>(16);
    private final Set<String> anomalies = new LinkedHashSet<>();
    boolean logCapped;

    long firstFrame;
    long lastFrame;
    long firstTs;
    long lastTs;
    long packets;

    int clientHelloCount;
    Direction.HelloAt firstClientHello;
    List<CertificateInfo> certificates;
    int certificatesDir = -1;
    int alertCount;
    final List<ConnEvent> rsts = new ArrayList<>(2);
    int rstCount;
    final boolean[] rstFromDir = new boolean[2];
    String starttls;
    private boolean closingRst;
    private int synDir = -1;
    /** The receiver of the first segment: the other endpoint, even if it never sends. */
    private final Endpoint firstReceiver;
    private long synIsn;
    /** Where the driver's input held the first segment (a Kafka offset, say); see Dissector. */
    private final long startPosition;
    private final long captureLossAtStart;

    public Connection(TcpSegment first, ConnectionContext ctx, long startPosition, long captureLossAtStart) {
        this.ctx = ctx;
        this.startPosition = startPosition;
        this.captureLossAtStart = captureLossAtStart;
        this.dirs[0] = new Direction(0, first.src(), this, ctx);
        this.firstReceiver = first.dst();
        this.firstFrame = first.frame();
        this.firstTs = first.timestampNanos();
        this.lastTs = first.timestampNanos();
    }

    ConnectionContext context() {
        return ctx;
    }

    /** Feeds one segment of this flow. */
    public void segment(TcpSegment s) {
        int d = s.src().equals(dirs[0].sender) ? 0 : 1;
        Direction dir = dirs[d];
        if (dir == null) {
            dir = dirs[1] = new Direction(1, s.src(), this, ctx);
        }
        Direction peer = dirs[1 - d];
        long ts = s.timestampNanos();
        packets++;
        lastFrame = s.frame();
        lastTs = Math.max(lastTs, ts);
        dir.packets++;
        dir.wireBytes += s.payloadLength();
        if (!s.rst()) {
            // a RST's TTL is the evidence under test; the baseline comes from the side's other packets
            dir.observeTtl(s.ttl(), s.syn());
        }

        if (s.ackFlag() && peer != null && peer.reassembler.state() != dev.nfe.dissect.tcp.StreamReassembler.State.IDLE) {
            long pos = peer.reassembler.unwrap(s.ack());
            if (pos > dir.ackPosition) {
                dir.ackPosition = pos;
            }
        }
        if (s.syn()) {
            if (!dir.synLogged) {
                dir.synLogged = true;
                log(s.ackFlag() ? EventKind.SYNACK : EventKind.SYN, d, s.frame(), ts, s.seq());
                if (!s.ackFlag() && synDir < 0) {
                    synDir = d;
                    synIsn = s.seq();
                }
            }
            dir.reassembler.syn(s.seq());
        }
        if (s.payloadLength() > 0 && !s.rst()) {
            long dataSeq = s.syn() ? (s.seq() + 1) & 0xffff_ffffL : s.seq();
            // Payload shorter than the wire without a snap-length cut was elided on purpose (a
            // Kafka agent's payload budget, after the handshake): the stream simply ends there for
            // the decoder. Announcing the missing bytes as a gap would report capture loss that
            // never happened; the byte counts above still use the wire length.
            boolean elided = !s.truncated() && !s.payloadComplete();
            int length = elided ? s.payload().length() : s.payloadLength();
            if (length > 0) {
                dir.reassembler.segment(dataSeq, s.payload(), length, s.frame(), ts, dir);
            }
        }
        if (s.rst()) {
            rstCount++;
            rstFromDir[d] = true;
            closingRst = true;
            ConnEvent e = new ConnEvent(EventKind.RST, d, s.frame(), ts,
                    new RstFacts(s.ttl(), s.ipId(), dirs[0].ackPosition, dirs[1] == null ? -1 : dirs[1].ackPosition));
            if (rsts.size() < ctx.maxRstFrames()) {
                rsts.add(e);
            }
            append(e);
        }
        if (s.fin() && !dir.finLogged) {
            dir.finLogged = true;
            log(EventKind.FIN, d, s.frame(), ts, null);
        }
    }

    /** True once the connection is over on the wire: a RST, or FIN from both sides. */
    public boolean closed() {
        return closingRst || (dirs[1] != null && dirs[0].finLogged && dirs[1].finLogged);
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
        return !s.src().equals(dirs[synDir].sender) || s.seq() != synIsn;
    }

    /** The endpoint that sends in direction {@code d}, even when it never sent anything. */
    Endpoint endpoint(int d) {
        return d == 0 ? dirs[0].sender : firstReceiver;
    }

    // ---- called by the directions

    void log(EventKind kind, int dir, long frame, long ts, Object data) {
        append(new ConnEvent(kind, dir, frame, ts, data));
    }

    private void append(ConnEvent e) {
        if (log.size() < ctx.maxEvents()) {
            log.add(e);
        } else if (!logCapped) {
            logCapped = true;
            anomaly("timeline_capped");
        }
    }

    void clientHello(Direction d, Direction.HelloAt hello, long frame, long ts) {
        clientHelloCount++;
        if (firstClientHello == null) {
            firstClientHello = hello;
        }
        log(EventKind.CLIENT_HELLO, d.index, frame, ts, hello);
    }

    void certificates(int dir, List<CertificateInfo> chain) {
        if (certificates == null) {
            certificates = chain;
            certificatesDir = dir;
        }
    }

    void alert(int dir, Alert alert, long frame, long ts) {
        alertCount++;
        if (alertCount <= ctx.maxAlerts()) {
            log(EventKind.ALERT, dir, frame, ts, alert);
        } else if (alertCount == ctx.maxAlerts() + 1) {
            anomaly("alerts_capped");
        }
    }

    void startTls(int dir, String protocol, long frame, long ts) {
        if (starttls == null) {
            starttls = protocol;
        }
        log(EventKind.STARTTLS, dir, frame, ts, protocol);
    }

    /** A ServerHello or ChangeCipherSpec: the next protected record of each side is a turning point. */
    void protectionChanged() {
        dirs[0].encryptedLogged = false;
        if (dirs[1] != null) {
            dirs[1].encryptedLogged = false;
        }
    }

    /** True when this connection had more turning points than were kept. */
    public boolean timelineCapped() {
        return logCapped;
    }

    /** The flow table was full and this, the least recently active connection, had to go. */
    public void flowTableFull() {
        anomaly("evicted_flow_table_full");
    }

    void anomaly(String name) {
        if (anomalies.size() < MAX_ANOMALIES) {
            anomalies.add(name);
        }
    }

    List<String> anomalies() {
        return List.copyOf(anomalies);
    }
}
