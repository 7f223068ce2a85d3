package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.capture.TcpSegment;
import dev.nfe.dissect.classify.Event;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.tcp.ReassemblySink;
import dev.nfe.dissect.tcp.StreamReassembler;
import dev.nfe.dissect.tls.TlsEvents;
import dev.nfe.dissect.tls.TlsStreamDecoder;

import java.util.List;

/**
 * One direction of a connection: the segments one endpoint sent, its reassembled byte stream and
 * that stream's TLS decoder, and the facts only this sender can tell (TTL, how far it
 * acknowledged its peer, whether it sent SYN, FIN, RST). What its bytes say goes to the
 * connection's {@link ConnectionLog}; it never calls back into the connection.
 */
final class Direction implements ReassemblySink, TlsEvents {
    private final int index;
    private final Endpoint sender;
    private final StreamReassembler reassembler;
    private final ConnectionLog log;
    private final ConnectionContext ctx;
    private TlsStreamDecoder decoder;

    private long packets;
    private long wireBytes;
    /** TTL of this side's SYN / SYN-ACK, else of its first packet; -1 before any. */
    private int ttlBaseline = -1;
    private boolean ttlFromHandshake;
    private boolean synSeen;
    private boolean finSeen;
    private boolean rstSent;
    /** Highest position of the peer's stream this side acknowledged; -1 when unknown. */
    private long ackPosition = -1;
    /** Stream position just after the bytes currently being decoded. */
    private long chunkEnd;
    /** The decoder reported something only TLS has. */
    private boolean spokeTls;
    /** Ordinal (in the connection) of the segment being processed now. */
    private long ordinal;
    /**
     * Ordinal of the segment that completed this side's last record that was not an alert (a
     * request, a response, a handshake flight), or of its last non-TLS bytes; -1 before any.
     * Alerts do not count: a close_notify is not a request waiting for an answer.
     */
    private long lastData = -1;
    private long lastUnseen = -1;
    /** This side's last TLS record was an alert: a close_notify, most likely, before it closes. */
    private boolean endedWithAlert;

    Direction(int index, Endpoint sender, ConnectionLog log, ConnectionContext ctx) {
        this.index = index;
        this.sender = sender;
        this.log = log;
        this.ctx = ctx;
        this.reassembler = new StreamReassembler(ctx.maxPendingPerDirection(), ctx.pendingBudget());
    }

    Endpoint sender() {
        return sender;
    }

    long ackPosition() {
        return ackPosition;
    }

    /** The position in this side's stream that sequence number {@code ack} acknowledges, or -1 before its stream is anchored. */
    long positionOf(long ack) {
        return reassembler.state() == StreamReassembler.State.IDLE ? -1 : reassembler.unwrap(ack);
    }

    /** This side acknowledged the peer's stream up to {@code position} (-1: unknown). */
    void acknowledged(long position) {
        if (position > ackPosition) {
            ackPosition = position;
        }
    }

    /** Where this side stands now, as evidence for a RST or FIN that just arrived. */
    Event.Side state() {
        return new Event.Side(ackPosition, lastData, endedWithAlert, lastUnseen);
    }

    /**
     * The SYN, payload and FIN of one segment this side sent, in that order. A RST is the
     * connection's to log (its evidence needs both sides); {@link #rstSent} just remembers it.
     *
     * @param ordinal the segment's place among all of the connection's packets (1, 2, ...)
     */
    void segment(TcpSegment s, long ordinal) {
        long ts = s.timestampNanos();
        this.ordinal = ordinal;
        packets++;
        wireBytes += s.payloadLength();
        if (!s.rst()) {
            // a RST's TTL is the evidence under test; the baseline comes from the side's other packets
            observeTtl(s.ttl(), s.syn());
        }
        if (s.syn()) {
            if (!synSeen) {
                synSeen = true;
                log.add(index, s.frame(), ts, s.ackFlag() ? Event.SYNACK : Event.SYN);
            }
            reassembler.syn(s.seq());
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
                reassembler.segment(dataSeq, s.payload(), length, s.frame(), ts, this);
            }
            if (elided && s.payloadLength() > length) {
                // bytes a budget left behind: data or an alert (Event.Side#spokeAfter decides)
                lastUnseen = ordinal;
            }
        }
        if (s.rst()) {
            rstSent = true;
        }
    }

    /**
     * The first FIN of this side is a turning point (after the segment's payload and a RST in it),
     * with where both ends stood ({@code peer}: the other side's state, UNKNOWN if it never sent).
     */
    void fin(TcpSegment s, Event.Side peer) {
        if (s.fin() && !finSeen) {
            finSeen = true;
            log.add(index, s.frame(), s.timestampNanos(), new Event.Fin(s.ttl(), state(), peer));
        }
    }

    boolean synSeen() {
        return synSeen;
    }

    boolean finSeen() {
        return finSeen;
    }

    /** Hands over what the reassembler still holds behind holes (the connection is ending). */
    void flush(long frame, long ts) {
        reassembler.flush(frame, ts, this);
    }

    /** This side's facts, read once when the connection is finalised (after {@link #flush}). */
    ConnectionSnapshot.Side snapshot() {
        TlsStreamDecoder.Mode mode = decoder == null ? TlsStreamDecoder.Mode.UNKNOWN : decoder.mode();
        return new ConnectionSnapshot.Side(sender, packets, wireBytes, ttlBaseline, synSeen, finSeen, rstSent,
                spokeTls, mode, reassembler.gaps(), reassembler.capHits() > 0, reassembler.reanchored());
    }

    /** This side just said something that was not an alert. */
    private void spoke() {
        endedWithAlert = false;
        lastData = ordinal;
    }

    private void observeTtl(int ttl, boolean handshake) {
        if (ttlBaseline < 0 || (handshake && !ttlFromHandshake)) {
            ttlBaseline = ttl;
            ttlFromHandshake = handshake;
        }
    }

    private TlsStreamDecoder decoder() {
        if (decoder == null) {
            decoder = new TlsStreamDecoder(ctx.tls(), this);
        }
        return decoder;
    }

    // ---- ReassemblySink: the in-order byte stream goes to the TLS decoder

    @Override
    public void data(byte[] buf, int off, int len, long frame, long tsNanos) {
        if (decoder == null && !reassembler.synSeen()) {
            // The capture began mid-flow: the first byte may sit inside a record. Saying so lets
            // the decoder look for the next record start instead of calling the tail plaintext.
            decoder().gap(1, frame, tsNanos);
        }
        TlsStreamDecoder d = decoder();
        if (d.wantsBytes()) {
            chunkEnd = reassembler.nextPosition() + len;
            d.feed(buf, off, len, frame, tsNanos);
        }
    }

    @Override
    public void gap(long bytes, long frame, long tsNanos) {
        log.add(index, frame, tsNanos, new Event.Gap(bytes));
        TlsStreamDecoder d = decoder();
        if (d.wantsBytes()) {
            d.gap(bytes, frame, tsNanos);
        }
    }

    // ---- TlsEvents: what the decoder found goes to the connection's log

    @Override
    public void clientHello(ClientHello hello, long frame, long tsNanos) {
        spokeTls = true;
        spoke();
        log.clientHello(index, new Event.Hello(hello, chunkEnd), frame, tsNanos);
    }

    @Override
    public void serverHello(ServerHello hello, long frame, long tsNanos) {
        spokeTls = true;
        spoke();
        log.serverHello(index, new Event.ServerHelloSeen(hello), frame, tsNanos);
    }

    @Override
    public void certificates(List<CertificateInfo> chain, long frame, long tsNanos) {
        spokeTls = true;
        log.certificates(index, chain);
    }

    @Override
    public void handshakeMessage(int type, int length, long frame, long tsNanos) {
        spokeTls = true;
        spoke();
        boolean hello = type == 1 || type == 2 || type == 0x101 || type == 0x104;
        if (!hello) {
            log.handshakeMessage(index, type, frame, tsNanos);
        }
    }

    @Override
    public void changeCipherSpec(long frame, long tsNanos) {
        spokeTls = true;
        spoke();
        log.changeCipherSpec(index, frame, tsNanos);
    }

    @Override
    public void alert(Alert alert, long frame, long tsNanos) {
        spokeTls = true;
        endedWithAlert = true;
        log.alert(index, alert, frame, tsNanos);
    }

    @Override
    public void encryptedRecord(int contentType, int length, long frame, long tsNanos) {
        spokeTls = true;
        // TLS 1.3 hides alerts in application_data records; one this short is one (Event.Protected)
        if (new Event.Protected(contentType, length).alertSized()) {
            endedWithAlert = true;
        } else {
            spoke();
        }
        log.encrypted(index, contentType, length, frame, tsNanos);
    }

    @Override
    public void plaintext(byte[] firstBytes, long frame, long tsNanos) {
        spoke();
        log.plaintext(index, firstBytes, frame, tsNanos);
    }

    @Override
    public void startTls(String protocol, long frame, long tsNanos) {
        log.startTls(index, protocol, frame, tsNanos);
    }

    @Override
    public void violation(String reason, long frame, long tsNanos) {
        log.violation(index, reason, frame, tsNanos);
    }

    @Override
    public void anomaly(String name, long frame, long tsNanos) {
        log.anomaly(name);
    }
}
