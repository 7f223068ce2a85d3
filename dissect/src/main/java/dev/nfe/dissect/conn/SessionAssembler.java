package dev.nfe.dissect.conn;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.classify.EventKind;
import dev.nfe.dissect.classify.OutcomeClassifier;
import dev.nfe.dissect.classify.Step;
import dev.nfe.dissect.classify.Timeline;
import dev.nfe.dissect.classify.Verdict;
import dev.nfe.dissect.report.AlertInfo;
import dev.nfe.dissect.report.ClientBasis;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.ServerHelloInfo;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.tls.TlsStreamDecoder;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Turns a finished {@link Connection} into a {@link SessionRecord}: flushes what the
 * reassemblers still hold, decides the roles, classifies the timeline and collects the evidence.
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
     * @param endTs       event time at which the connection is finalised
     * @param captureLoss packets the capture lost (anywhere on its source) while this connection was open
     * @return the session, or null when the connection neither touched TLS nor saw a RST
     */
    public Assembled assemble(Connection c, long endTs, long captureLoss) {
        for (Direction d : c.dirs) {
            if (d != null) {
                d.reassembler.flush(c.lastFrame, c.lastTs, d);
            }
        }
        int clientDir;
        ClientBasis basis;
        ConnEvent syn = null;
        ConnEvent synAck = null;
        ConnEvent ch = null;
        ConnEvent sh = null;
        for (ConnEvent e : c.log) {
            switch (e.kind()) {
                case SYN -> syn = syn == null ? e : syn;
                case SYNACK -> synAck = synAck == null ? e : synAck;
                case CLIENT_HELLO -> ch = ch == null ? e : ch;
                case SERVER_HELLO -> sh = sh == null ? e : sh;
                default -> {
                }
            }
        }
        if (syn != null) {
            clientDir = syn.dir();
            basis = ClientBasis.SYN;
        } else if (synAck != null) {
            clientDir = 1 - synAck.dir();
            basis = ClientBasis.SYNACK;
        } else if (ch != null) {
            clientDir = ch.dir();
            basis = ClientBasis.CLIENT_HELLO;
        } else if (sh != null) {
            clientDir = 1 - sh.dir();
            basis = ClientBasis.SERVER_HELLO;
        } else {
            clientDir = c.endpoint(0).port() >= c.endpoint(1).port() ? 0 : 1;
            basis = ClientBasis.PORT;
        }
        int serverDir = 1 - clientDir;
        Endpoint client = c.endpoint(clientDir);
        Endpoint server = c.endpoint(serverDir);

        if (!reportable(c, server)) {
            return null;
        }

        List<Step> steps = new ArrayList<>(c.log.size());
        boolean ordered = true;
        long lastFrame = Long.MIN_VALUE;
        for (ConnEvent e : c.log) {
            Object data = e.data() instanceof Direction.HelloAt h ? h.hello() : e.data();
            steps.add(new Step(e.kind(), role(e.dir(), clientDir), e.frame(), e.tsNanos(), data));
            ordered &= e.frame() >= lastFrame;
            lastFrame = e.frame();
        }
        // Bytes held behind a hole reach the decoder only when the connection ends; their events
        // carry the frames they arrived in, so put the timeline back in capture order (stable:
        // events of one frame keep the order they happened in).
        if (!ordered) {
            steps.sort(java.util.Comparator.comparingLong(Step::frame));
        }
        Verdict verdict = classifier.classify(new Timeline(steps, endTs, c.logCapped));

        ClientHelloInfo chInfo = ch == null ? null
                : fingerprinter.clientHello(ch.frame(), ch.tsNanos(), ((Direction.HelloAt) ch.data()).hello());
        ConnEvent serverSh = firstFrom(c, EventKind.SERVER_HELLO, serverDir);
        ConnEvent chosenSh = serverSh != null ? serverSh : sh;
        ServerHelloInfo shInfo = chosenSh == null ? null
                : fingerprinter.serverHello(chosenSh.frame(), chosenSh.tsNanos(), (ServerHello) chosenSh.data());
        int shCount = count(c, EventKind.SERVER_HELLO, serverDir);
        if (shCount == 0) {
            shCount = count(c, EventKind.SERVER_HELLO, -1);
        }

        List<AlertInfo> alerts = new ArrayList<>();
        for (ConnEvent e : c.log) {
            if (e.kind() == EventKind.ALERT) {
                alerts.add(new AlertInfo(e.frame(), e.tsNanos(), role(e.dir(), clientDir),
                        (dev.nfe.dissect.report.Alert) e.data()));
            }
        }
        List<Long> rstFrames = new ArrayList<>(c.rsts.size());
        for (ConnEvent e : c.rsts) {
            rstFrames.add(e.frame());
        }
        boolean resetAfterHello = false;
        if (ch != null) {
            for (ConnEvent e : c.rsts) {
                if (e.dir() == serverDir && e.frame() > ch.frame()
                        && (chosenSh == null || e.frame() < chosenSh.frame())) {
                    resetAfterHello = true;
                    break;
                }
            }
        }
        Direction cd = c.dirs[clientDir];
        Direction sd = c.dirs[serverDir];
        long gaps = (cd == null ? 0 : cd.reassembler.gaps()) + (sd == null ? 0 : sd.reassembler.gaps());
        List<String> anomalies = new ArrayList<>(c.anomalies());
        for (Direction d : c.dirs) {
            if (d == null) {
                continue;
            }
            String side = d.index == clientDir ? "client" : "server";
            if (d.reassembler.capHits() > 0) {
                anomalies.add("reassembly_buffer_capped:" + side);
            }
            if (d.reassembler.reanchored()) {
                anomalies.add("data_did_not_follow_syn:" + side);
            }
        }

        SessionRecord session = new SessionRecord(
                capture,
                fingerprinter.flowId(client, server),
                client,
                server,
                basis,
                c.firstTs,
                c.lastTs,
                c.firstFrame,
                c.lastFrame,
                c.packets,
                cd == null ? 0 : cd.wireBytes,
                sd == null ? 0 : sd.wireBytes,
                syn != null,
                synAck != null,
                verdict.outcome(),
                verdict.reason(),
                chInfo,
                shInfo,
                c.clientHelloCount,
                shCount,
                c.certificates != null && c.certificatesDir == serverDir ? c.certificates : List.of(),
                alerts,
                roles(c.rstFromDir, clientDir),
                rstFrames,
                roles(new boolean[] {c.dirs[0].finLogged, c.dirs[1] != null && c.dirs[1].finLogged}, clientDir),
                resetAfterHello,
                rstEvidence(c, ch, clientDir),
                c.starttls,
                gaps,
                captureLoss,
                anomalies,
                history(steps));
        return new Assembled(session, verdict);
    }

    private boolean reportable(Connection c, Endpoint server) {
        if (c.rstCount > 0 || c.clientHelloCount > 0 || c.starttls != null) {
            return true;
        }
        boolean plaintext = false;
        for (Direction d : c.dirs) {
            if (d == null) {
                continue;
            }
            TlsStreamDecoder.Mode m = d.mode();
            if (d.tls || m == TlsStreamDecoder.Mode.TLS || m == TlsStreamDecoder.Mode.SSLV2) {
                return true;
            }
            plaintext |= m == TlsStreamDecoder.Mode.PLAINTEXT || m == TlsStreamDecoder.Mode.BROKEN;
        }
        return plaintext && tlsPorts.contains(server.port());
    }

    private static RstEvidence rstEvidence(Connection c, ConnEvent ch, int clientDir) {
        if (c.rsts.isEmpty()) {
            return null;
        }
        ConnEvent rst = c.rsts.get(0);
        RstFacts f = (RstFacts) rst.data();
        Long after = null;
        boolean acked = false;
        if (ch != null && ch.frame() <= rst.frame()) {
            after = Math.max(0, rst.tsNanos() - ch.tsNanos()) / 1000;
            int responder = 1 - ch.dir();
            long ackPos = responder == 0 ? f.ackPosByDir0() : f.ackPosByDir1();
            acked = ackPos >= 0 && ackPos >= ((Direction.HelloAt) ch.data()).endPosition();
        }
        Direction sender = c.dirs[rst.dir()];
        Integer senderTtl = sender != null && sender.ttlBaseline >= 0 ? sender.ttlBaseline : null;
        Direction server = c.dirs[1 - clientDir];
        Integer serverTtl = server != null && server.ttlBaseline >= 0 ? server.ttlBaseline : null;
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

    private static List<Role> roles(boolean[] byDir, int clientDir) {
        List<Role> out = new ArrayList<>(2);
        if (byDir[clientDir]) {
            out.add(Role.CLIENT);
        }
        if (byDir[1 - clientDir]) {
            out.add(Role.SERVER);
        }
        return out;
    }

    private static Role role(int dir, int clientDir) {
        return dir == clientDir ? Role.CLIENT : Role.SERVER;
    }

    private static ConnEvent firstFrom(Connection c, EventKind kind, int dir) {
        for (ConnEvent e : c.log) {
            if (e.kind() == kind && (dir < 0 || e.dir() == dir)) {
                return e;
            }
        }
        return null;
    }

    private static int count(Connection c, EventKind kind, int dir) {
        int n = 0;
        for (ConnEvent e : c.log) {
            if (e.kind() == kind && (dir < 0 || e.dir() == dir)) {
                n++;
            }
        }
        return n;
    }
}
