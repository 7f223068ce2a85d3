package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.classify.Abort;
import dev.nfe.dissect.classify.Event;
import dev.nfe.dissect.classify.EventKind;
import dev.nfe.dissect.classify.OutcomeClassifier;
import dev.nfe.dissect.classify.Step;
import dev.nfe.dissect.classify.Timeline;
import dev.nfe.dissect.classify.Verdict;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.tls.TlsStreamDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a finished connection ({@link ConnectionSnapshot}) into a {@link SessionRecord}: decides
 * the roles, classifies the timeline and collects the evidence. Reads the snapshot only.
 */
public final class SessionAssembler {
    private static final int MAX_HISTORY = 64;

    private final String capture;
    private final OutcomeClassifier classifier;
    private final Set<Integer> tlsPorts;
    private final Fingerprinter fingerprinter = new Fingerprinter();

    public SessionAssembler(String capture, OutcomeClassifier classifier, Set<Integer> tlsPorts) {
        this.capture = capture;
        this.classifier = classifier;
        this.tlsPorts = tlsPorts;
    }

    /** A session and the verdict behind it. */
    public record Assembled(SessionRecord session, Verdict verdict) {
    }

    /**
     * @param c           the finished connection, read once
     * @param endTs       event time at which the connection is finalised
     * @param captureLoss packets the capture lost (anywhere on its source) while this connection was open
     * @return the session, or null when the connection neither touched TLS nor saw a RST
     */
    public Assembled assemble(ConnectionSnapshot c, long endTs, long captureLoss) {
        Roles roles = Roles.of(c);
        int clientDir = roles.clientDir();
        int serverDir = 1 - clientDir;
        Endpoint client = c.endpoint(clientDir);
        Endpoint server = c.endpoint(serverDir);
        if (!reportable(c, server)) {
            return null;
        }

        List<Step> steps = new ArrayList<>(c.events().size());
        boolean ordered = true;
        long lastFrame = Long.MIN_VALUE;
        for (ConnEvent e : c.events()) {
            steps.add(new Step(role(e.dir(), clientDir), e.frame(), e.tsNanos(), e.event()));
            ordered &= e.frame() >= lastFrame;
            lastFrame = e.frame();
        }
        // Bytes held behind a hole reach the decoder only when the connection ends; their events
        // carry the frames they arrived in, so put the timeline back in capture order (stable:
        // events of one frame keep the order they happened in).
        if (!ordered) {
            steps.sort(java.util.Comparator.comparingLong(Step::frame));
        }
        Verdict verdict = classifier.classify(new Timeline(steps, endTs, c.timelineCapped()));

        ConnEvent ch = roles.clientHello();
        Event.Hello hello = ch == null ? null : (Event.Hello) ch.event();
        ClientHelloInfo chInfo = ch == null ? null : fingerprinter.clientHello(ch.frame(), ch.tsNanos(), hello.hello());
        ConnEvent serverSh = firstFrom(c, EventKind.SERVER_HELLO, serverDir);
        ConnEvent chosenSh = serverSh != null ? serverSh : roles.serverHello();
        ServerHelloInfo shInfo = chosenSh == null ? null : fingerprinter.serverHello(chosenSh.frame(),
                chosenSh.tsNanos(), ((Event.ServerHelloSeen) chosenSh.event()).hello());
        int shCount = count(c, EventKind.SERVER_HELLO, serverDir);
        if (shCount == 0) {
            shCount = count(c, EventKind.SERVER_HELLO, -1);
        }

        List<AlertInfo> alerts = new ArrayList<>();
        for (ConnEvent e : c.events()) {
            if (e.event() instanceof Event.AlertSeen a) {
                alerts.add(new AlertInfo(e.frame(), e.tsNanos(), role(e.dir(), clientDir), a.alert()));
            }
        }
        List<Long> rstFrames = new ArrayList<>(c.rsts().size());
        for (ConnEvent e : c.rsts()) {
            rstFrames.add(e.frame());
        }
        boolean resetAfterHello = false;
        if (ch != null) {
            for (ConnEvent e : c.rsts()) {
                if (e.dir() == serverDir && e.frame() > ch.frame()
                        && (chosenSh == null || e.frame() < chosenSh.frame())) {
                    resetAfterHello = true;
                    break;
                }
            }
        }
        ConnectionSnapshot.Side cs = c.side(clientDir);
        ConnectionSnapshot.Side ss = c.side(serverDir);
        long gaps = (cs == null ? 0 : cs.gaps()) + (ss == null ? 0 : ss.gaps());
        List<String> anomalies = new ArrayList<>(c.anomalies());
        for (int d = 0; d < 2; d++) {
            ConnectionSnapshot.Side side = c.side(d);
            if (side == null) {
                continue;
            }
            String name = d == clientDir ? "client" : "server";
            if (side.capped()) {
                anomalies.add("reassembly_buffer_capped:" + name);
            }
            if (side.reanchored()) {
                anomalies.add("data_did_not_follow_syn:" + name);
            }
        }

        SessionRecord session = new SessionRecord(
                capture,
                fingerprinter.flowId(client, server),
                client,
                server,
                roles.basis(),
                c.firstTs(),
                c.lastTs(),
                c.firstFrame(),
                c.lastFrame(),
                c.packets(),
                cs == null ? 0 : cs.wireBytes(),
                ss == null ? 0 : ss.wireBytes(),
                roles.syn(),
                roles.synAck(),
                verdict.outcome(),
                verdict.reason(),
                chInfo,
                shInfo,
                c.clientHellos(),
                shCount,
                c.certificatesFrom(serverDir),
                alerts,
                sides(cs != null && cs.rstSent(), ss != null && ss.rstSent()),
                rstFrames,
                sides(cs != null && cs.finSeen(), ss != null && ss.finSeen()),
                resetAfterHello,
                rstEvidence(c, ch, hello, clientDir),
                ending(c, verdict.abort(), clientDir),
                ending(c, verdict.abruptClose(), clientDir),
                c.starttls(),
                gaps,
                captureLoss,
                anomalies,
                history(steps));
        return new Assembled(session, verdict);
    }

    private boolean reportable(ConnectionSnapshot c, Endpoint server) {
        if (c.rstCount() > 0 || c.clientHellos() > 0 || c.starttls() != null) {
            return true;
        }
        boolean plaintext = false;
        for (int d = 0; d < 2; d++) {
            ConnectionSnapshot.Side side = c.side(d);
            if (side == null) {
                continue;
            }
            TlsStreamDecoder.Mode m = side.mode();
            if (side.spokeTls() || m == TlsStreamDecoder.Mode.TLS || m == TlsStreamDecoder.Mode.SSLV2) {
                return true;
            }
            plaintext |= m == TlsStreamDecoder.Mode.PLAINTEXT || m == TlsStreamDecoder.Mode.BROKEN;
        }
        return plaintext && tlsPorts.contains(server.port());
    }

    private static RstEvidence rstEvidence(ConnectionSnapshot c, ConnEvent ch, Event.Hello hello, int clientDir) {
        if (c.rsts().isEmpty()) {
            return null;
        }
        ConnEvent rst = c.rsts().get(0);
        Event.Rst f = (Event.Rst) rst.event();
        Long after = null;
        boolean acked = false;
        if (ch != null && ch.frame() <= rst.frame()) {
            after = Math.max(0, rst.tsNanos() - ch.tsNanos()) / 1000;
            // the ClientHello's receiver had read it all when it acknowledged that far
            long ackPos = (rst.dir() == ch.dir() ? f.peer() : f.sender()).ackPosition();
            acked = ackPos >= 0 && ackPos >= hello.endPosition();
        }
        ConnectionSnapshot.Side sender = c.side(rst.dir());
        Integer senderTtl = sender != null && sender.ttlBaseline() >= 0 ? sender.ttlBaseline() : null;
        ConnectionSnapshot.Side server = c.side(1 - clientDir);
        Integer serverTtl = server != null && server.ttlBaseline() >= 0 ? server.ttlBaseline() : null;
        return new RstEvidence(
                role(rst.dir(), clientDir),
                rst.frame(),
                rst.tsNanos(),
                after,
                acked,
                f.ttl(),
                senderTtl,
                serverTtl,
                f.ipId() >= 0 ? f.ipId() : null,
                senderTtl != null && senderTtl != f.ttl());
    }

    /** The session's {@code abort} or {@code abrupt_close}: how a completed handshake ended badly, or null. */
    private static AbortEvidence ending(ConnectionSnapshot c, Abort a, int clientDir) {
        if (a == null) {
            return null;
        }
        Step step = a.step();
        int ttl = step.event() instanceof Event.Rst r ? r.ttl() : ((Event.Fin) step.event()).ttl();
        ConnectionSnapshot.Side server = c.side(1 - clientDir);
        Integer serverTtl = server != null && server.ttlBaseline() >= 0 ? server.ttlBaseline() : null;
        // the claimed sender's own TTL before, as for the first RST (rstEvidence)
        ConnectionSnapshot.Side sender = c.side(step.role() == Role.CLIENT ? clientDir : 1 - clientDir);
        Integer senderTtl = sender != null && sender.ttlBaseline() >= 0 ? sender.ttlBaseline() : null;
        return new AbortEvidence(step.role(), step.frame(), step.tsNanos(),
                Math.max(0, step.tsNanos() - a.completion().tsNanos()) / 1000, a.unanswered(), ttl, serverTtl,
                senderTtl != null && senderTtl != ttl);
    }

    private static String history(List<Step> steps) {
        StringBuilder sb = new StringBuilder();
        for (Step e : steps) {
            if (sb.length() >= MAX_HISTORY) {
                break;
            }
            char l = e.kind().letter();
            sb.append(e.role() == Role.CLIENT ? l : Character.toLowerCase(l));
        }
        return sb.toString();
    }

    /** The roles for which a fact holds, client first. */
    private static List<Role> sides(boolean client, boolean server) {
        List<Role> out = new ArrayList<>(2);
        if (client) {
            out.add(Role.CLIENT);
        }
        if (server) {
            out.add(Role.SERVER);
        }
        return out;
    }

    private static Role role(int dir, int clientDir) {
        return dir == clientDir ? Role.CLIENT : Role.SERVER;
    }

    private static ConnEvent firstFrom(ConnectionSnapshot c, EventKind kind, int dir) {
        for (ConnEvent e : c.events()) {
            if (e.kind() == kind && (dir < 0 || e.dir() == dir)) {
                return e;
            }
        }
        return null;
    }

    private static int count(ConnectionSnapshot c, EventKind kind, int dir) {
        int n = 0;
        for (ConnEvent e : c.events()) {
            if (e.kind() == kind && (dir < 0 || e.dir() == dir)) {
                n++;
            }
        }
        return n;
    }
}
