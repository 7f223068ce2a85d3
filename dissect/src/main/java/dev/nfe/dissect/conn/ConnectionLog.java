package dev.nfe.dissect.conn;

import dev.nfe.dissect.classify.Event;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;

import java.util.ArrayList;
import java.util.List;

/**
 * The timeline of one connection as it happens (turning points in arrival order, both
 * directions), and the rules that decide what is a turning point: only the first protected
 * record after each change of protection, only the first of a run of other handshake messages,
 * alerts and RST frames up to their caps, and at most {@code maxEvents} events in all. It also
 * keeps the connection-wide facts the events imply (hello count, first certificate chain, the
 * STARTTLS protocol, every RST). Both directions write here; nothing here reads them.
 */
final class ConnectionLog {
    private final Anomalies anomalies;
    private final int maxEvents;
    private final int maxAlerts;
    private final int maxRstFrames;

    private final List<ConnEvent> events = new ArrayList<>(16);
    private boolean capped;
    /** Per direction: a protected record was logged since the last ServerHello / ChangeCipherSpec. */
    private final boolean[] protectedLogged = new boolean[2];
    /** Per direction: the last event it logged was a HANDSHAKE (further ones join that run). */
    private final boolean[] inHandshakeRun = new boolean[2];

    private int clientHellos;
    private int alerts;
    private final List<ConnEvent> rsts = new ArrayList<>(2);
    private int rstCount;
    private String starttls;
    private List<CertificateInfo> certificates;
    private int certificatesDir = -1;

    ConnectionLog(Anomalies anomalies, int maxEvents, int maxAlerts, int maxRstFrames) {
        this.anomalies = anomalies;
        this.maxEvents = maxEvents;
        this.maxAlerts = maxAlerts;
        this.maxRstFrames = maxRstFrames;
    }

    /** Appends a turning point, unless the timeline is full (then anomaly {@code timeline_capped}, once). */
    void add(int dir, long frame, long ts, Event e) {
        append(new ConnEvent(dir, frame, ts, e));
    }

    private void append(ConnEvent e) {
        if (events.size() < maxEvents) {
            events.add(e);
        } else if (!capped) {
            capped = true;
            anomalies.add("timeline_capped");
        }
    }

    void clientHello(int dir, Event.Hello hello, long frame, long ts) {
        clientHellos++;
        add(dir, frame, ts, hello);
        inHandshakeRun[dir] = false;
    }

    /** A ServerHello changes protection: the next protected record of each side is a turning point. */
    void serverHello(int dir, Event.ServerHelloSeen hello, long frame, long ts) {
        add(dir, frame, ts, hello);
        protectionChanged();
        inHandshakeRun[dir] = false;
    }

    void changeCipherSpec(int dir, long frame, long ts) {
        add(dir, frame, ts, Event.CCS);
        protectionChanged();
        inHandshakeRun[dir] = false;
    }

    /** Another handshake message: only the first of a run is a turning point. */
    void handshakeMessage(int dir, int type, long frame, long ts) {
        if (!inHandshakeRun[dir]) {
            add(dir, frame, ts, new Event.Handshake(type));
            inHandshakeRun[dir] = true;
        }
    }

    void alert(int dir, Alert alert, long frame, long ts) {
        alerts++;
        if (alerts <= maxAlerts) {
            add(dir, frame, ts, new Event.AlertSeen(alert));
        } else if (alerts == maxAlerts + 1) {
            anomalies.add("alerts_capped");
        }
        inHandshakeRun[dir] = false;
    }

    void encrypted(int dir, int contentType, int length, long frame, long ts) {
        if (!protectedLogged[dir]) {
            protectedLogged[dir] = true;
            add(dir, frame, ts, new Event.Protected(contentType, length));
            inHandshakeRun[dir] = false;
        }
    }

    void plaintext(int dir, byte[] firstBytes, long frame, long ts) {
        add(dir, frame, ts, new Event.Plaintext(firstBytes.clone()));
        inHandshakeRun[dir] = false;
    }

    void startTls(int dir, String protocol, long frame, long ts) {
        if (starttls == null) {
            starttls = protocol;
        }
        add(dir, frame, ts, new Event.StartTls(protocol));
    }

    void violation(int dir, String reason, long frame, long ts) {
        add(dir, frame, ts, new Event.Violation(reason));
        anomalies.add("tls_violation:" + reason);
    }

    /** Something odd that did not stop anything (a capped list, a TLS quirk, ...). */
    void anomaly(String name) {
        anomalies.add(name);
    }

    /** Every RST counts; the first {@code maxRstFrames} are kept as evidence. */
    void rst(int dir, Event.Rst rst, long frame, long ts) {
        rstCount++;
        ConnEvent e = new ConnEvent(dir, frame, ts, rst);
        if (rsts.size() < maxRstFrames) {
            rsts.add(e);
        }
        append(e);
    }

    /** The connection's first certificate chain, and who sent it. */
    void certificates(int dir, List<CertificateInfo> chain) {
        if (certificates == null) {
            certificates = chain;
            certificatesDir = dir;
        }
    }

    private void protectionChanged() {
        protectedLogged[0] = false;
        protectedLogged[1] = false;
    }

    boolean capped() {
        return capped;
    }

    int rstCount() {
        return rstCount;
    }

    int clientHellos() {
        return clientHellos;
    }

    String starttls() {
        return starttls;
    }

    List<ConnEvent> events() {
        return List.copyOf(events);
    }

    List<ConnEvent> rsts() {
        return List.copyOf(rsts);
    }

    /** The server's chain when it was the connection's first, else none (a client chain is not reported). */
    List<CertificateInfo> certificatesFrom(int dir) {
        return certificates != null && certificatesDir == dir ? certificates : List.of();
    }
}
