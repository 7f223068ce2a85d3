package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.classify.EventKind;
import dev.nfe.dissect.classify.Protected;
import dev.nfe.dissect.tcp.ReassemblySink;
import dev.nfe.dissect.tcp.StreamReassembler;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.tls.TlsEvents;
import dev.nfe.dissect.tls.TlsStreamDecoder;

import java.util.List;

/**
 * One direction of a connection: its reassembler, its TLS decoder, and the facts only this
 * sender can tell (TTL, how far it acknowledged the peer). It turns TLS events into the
 * connection's timeline.
 */
final class Direction implements ReassemblySink, TlsEvents {
    final int index;
    final Endpoint sender;
    final StreamReassembler reassembler;
    private final Connection conn;
    private TlsStreamDecoder decoder;

    long packets;
    long wireBytes;
    /** TTL of this side's SYN / SYN-ACK, else of its first packet; -1 before any. */
    int ttlBaseline = -1;
    private boolean ttlFromHandshake;
    boolean synLogged;
    boolean finLogged;
    /** Highest position of the peer's stream this side acknowledged; -1 when unknown. */
    long ackPosition = -1;
    /** Stream position just after the bytes currently being decoded. */
    private long chunkEnd;
    /** Whether a protected record was logged since the last state change (CCS, ServerHello). */
    boolean encryptedLogged;
    private boolean lastLoggedHandshake;
    boolean tls;

    Direction(int index, Endpoint sender, Connection conn, ConnectionContext ctx) {
        this.index = index;
        this.sender = sender;
        this.conn = conn;
        this.reassembler = new StreamReassembler(ctx.maxPendingPerDirection(), ctx.pendingBudget());
    }

    void observeTtl(int ttl, boolean handshake) {
        if (ttlBaseline < 0 || (handshake && !ttlFromHandshake)) {
            ttlBaseline = ttl;
            ttlFromHandshake = handshake;
        }
    }

    private TlsStreamDecoder decoder() {
        if (decoder == null) {
            decoder = new TlsStreamDecoder(conn.context().tls(), this);
        }
        return decoder;
    }

    TlsStreamDecoder.Mode mode() {
        return decoder == null ? TlsStreamDecoder.Mode.UNKNOWN : decoder.mode();
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
        conn.log(EventKind.GAP, index, frame, tsNanos, bytes);
        TlsStreamDecoder d = decoder();
        if (d.wantsBytes()) {
            d.gap(bytes, frame, tsNanos);
        }
    }

    // ---- TlsEvents: turning points into the timeline

    @Override
    public void clientHello(ClientHello hello, long frame, long tsNanos) {
        tls = true;
        conn.clientHello(this, new HelloAt(hello, chunkEnd), frame, tsNanos);
        lastLoggedHandshake = false;
    }

    @Override
    public void serverHello(ServerHello hello, long frame, long tsNanos) {
        tls = true;
        conn.log(EventKind.SERVER_HELLO, index, frame, tsNanos, hello);
        conn.protectionChanged();
        lastLoggedHandshake = false;
    }

    @Override
    public void certificates(List<CertificateInfo> chain, long frame, long tsNanos) {
        tls = true;
        conn.certificates(index, chain);
    }

    @Override
    public void handshakeMessage(int type, int length, long frame, long tsNanos) {
        tls = true;
        boolean hello = type == 1 || type == 2 || type == 0x101 || type == 0x104;
        if (!hello && !lastLoggedHandshake) {
            conn.log(EventKind.HANDSHAKE, index, frame, tsNanos, type);
            lastLoggedHandshake = true;
        }
    }

    @Override
    public void changeCipherSpec(long frame, long tsNanos) {
        tls = true;
        conn.log(EventKind.CCS, index, frame, tsNanos, null);
        conn.protectionChanged();
        lastLoggedHandshake = false;
    }

    @Override
    public void alert(Alert alert, long frame, long tsNanos) {
        tls = true;
        conn.alert(index, alert, frame, tsNanos);
        lastLoggedHandshake = false;
    }

    @Override
    public void encryptedRecord(int contentType, int length, long frame, long tsNanos) {
        tls = true;
        if (!encryptedLogged) {
            encryptedLogged = true;
            conn.log(EventKind.ENCRYPTED, index, frame, tsNanos, new Protected(contentType, length));
            lastLoggedHandshake = false;
        }
    }

    @Override
    public void plaintext(byte[] firstBytes, long frame, long tsNanos) {
        conn.log(EventKind.PLAINTEXT, index, frame, tsNanos, firstBytes.clone());
        lastLoggedHandshake = false;
    }

    @Override
    public void startTls(String protocol, long frame, long tsNanos) {
        conn.startTls(index, protocol, frame, tsNanos);
    }

    @Override
    public void violation(String reason, long frame, long tsNanos) {
        conn.log(EventKind.VIOLATION, index, frame, tsNanos, reason);
        conn.anomaly("tls_violation:" + reason);
    }

    @Override
    public void anomaly(String name, long frame, long tsNanos) {
        conn.anomaly(name);
    }

    /** A ClientHello and the stream position just after the segment that completed it. */
    record HelloAt(ClientHello hello, long endPosition) {
    }
}
