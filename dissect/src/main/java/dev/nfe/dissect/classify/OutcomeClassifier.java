package dev.nfe.dissect.classify;

import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.ServerHello;

import java.util.List;

import static dev.nfe.dissect.classify.EventKind.CCS;
import static dev.nfe.dissect.classify.EventKind.CLIENT_HELLO;
import static dev.nfe.dissect.classify.EventKind.ENCRYPTED;
import static dev.nfe.dissect.classify.EventKind.SERVER_HELLO;

/**
 * Decides one {@link Outcome} per connection from its timeline (DESIGN.md, "Outcome vocabulary").
 *
 * <p>The question is always "what was the first reaction to the ClientHello?": the steps after
 * the first ClientHello are read in arrival order until one of them settles it. A pure function
 * of the timeline: no state, no clock.
 */
public final class OutcomeClassifier {
    private final long noResponseNanos;

    /** @param noResponseNanos how long an unanswered ClientHello must wait before it counts as unanswered */
    public OutcomeClassifier(long noResponseNanos) {
        this.noResponseNanos = noResponseNanos;
    }

    public Verdict classify(Timeline t) {
        List<Step> s = t.steps();
        int ch = indexOf(s, CLIENT_HELLO, null, 0);
        if (ch < 0) {
            return withoutClientHello(t);
        }
        Step hello = s.get(ch);
        Role client = hello.role();
        Role server = client.other();
        Step done = completion(s, ch, client);
        if (done != null) {
            return new Verdict(Outcome.COMPLETED, completionReason(s, ch, server), hello, done)
                    .withEndings(endings(s, done, server));
        }
        Step clientGaveUp = null;
        for (int i = ch + 1; i < s.size(); i++) {
            Step e = s.get(i);
            boolean fromServer = e.role() == server;
            Verdict v = switch (e.kind()) {
                case RST -> clientGaveUp != null
                        ? new Verdict(Outcome.NO_SERVER_RESPONSE, "client_gave_up", hello, clientGaveUp)
                        : new Verdict(Outcome.RESET_AFTER_CLIENT_HELLO, "rst_by_" + e.role().wireName(), hello, e);
                case FIN -> {
                    if (!fromServer) {
                        clientGaveUp = clientGaveUp == null ? e : clientGaveUp;
                        yield null;
                    }
                    yield clientGaveUp != null
                            ? new Verdict(Outcome.NO_SERVER_RESPONSE, "client_gave_up", hello, clientGaveUp)
                            : new Verdict(Outcome.CLOSED_AFTER_CLIENT_HELLO, "fin_by_server", hello, e);
                }
                case GAP -> fromServer ? new Verdict(Outcome.INDETERMINATE, "gap_after_client_hello", hello, e) : null;
                case PLAINTEXT -> fromServer ? new Verdict(Outcome.NON_TLS_RESPONSE, "not_tls_answer", hello, e) : null;
                case VIOLATION -> fromServer ? new Verdict(Outcome.NON_TLS_RESPONSE, "malformed_tls_answer", hello, e) : null;
                case ALERT -> {
                    if (fromServer) {
                        yield handshake(t, i, hello, server);
                    }
                    Alert a = alert(e);
                    yield a.encrypted() ? null : new Verdict(Outcome.CLIENT_ALERT, alertReason(a), hello, e);
                }
                case SERVER_HELLO, HANDSHAKE, CCS, ENCRYPTED, STARTTLS -> fromServer ? handshake(t, i, hello, server) : null;
                case SYN, SYNACK, CLIENT_HELLO -> null;
            };
            if (v != null) {
                return v;
            }
        }
        if (clientGaveUp != null) {
            return new Verdict(Outcome.NO_SERVER_RESPONSE, "client_gave_up", hello, clientGaveUp);
        }
        if (t.endTsNanos() - hello.tsNanos() >= noResponseNanos) {
            return new Verdict(Outcome.NO_SERVER_RESPONSE, "unanswered", hello, null);
        }
        return new Verdict(Outcome.INDETERMINATE, "capture_ended_after_client_hello", hello, null);
    }

    /** The server has started its side of the handshake at step {@code from}; what ended it? */
    private Verdict handshake(Timeline t, int from, Step hello, Role server) {
        List<Step> s = t.steps();
        boolean tls13 = false;
        for (int i = from; i < s.size(); i++) {
            Step e = s.get(i);
            Verdict v = switch (e.kind()) {
                case SERVER_HELLO -> {
                    ServerHello sh = serverHello(e);
                    tls13 = sh.tls13() && !sh.helloRetryRequest();
                    yield null;
                }
                case ALERT -> {
                    Alert a = alert(e);
                    if (a.encrypted()) {
                        yield null;
                    }
                    yield new Verdict(e.role() == server ? Outcome.SERVER_ALERT : Outcome.CLIENT_ALERT, alertReason(a),
                            hello, e);
                }
                // TLS 1.3 hides alerts in application_data records; an alert-sized one from
                // the client right after the server's flight is its abort (e.g. unknown_ca).
                case ENCRYPTED -> tls13 && e.role() != server && alertSized(e)
                        ? new Verdict(Outcome.CLIENT_ALERT, "encrypted_alert_inferred", hello, e) : null;
                case RST -> new Verdict(Outcome.RESET_DURING_HANDSHAKE, "rst_by_" + e.role().wireName(), hello, e);
                case FIN -> new Verdict(Outcome.CLOSED_DURING_HANDSHAKE, "fin_by_" + e.role().wireName(), hello, e);
                case GAP -> new Verdict(Outcome.INDETERMINATE, "gap_during_handshake", hello, e);
                case SYN, SYNACK, CLIENT_HELLO, HANDSHAKE, CCS, PLAINTEXT, STARTTLS, VIOLATION -> null;
            };
            if (v != null) {
                return v;
            }
        }
        String reason = t.endTsNanos() - s.get(s.size() - 1).tsNanos() >= noResponseNanos
                ? "stalled_during_handshake" : "capture_ended_during_handshake";
        return new Verdict(Outcome.INDETERMINATE, reason, hello, s.get(from));
    }

    /**
     * How the handshake that completed at {@code done} ended, when not in order (DESIGN.md,
     * "Diagnosis"): the first RST afterwards, from either side, and the server's first FIN when it
     * came without a close_notify and before the client's FIN. A RST is the server dropping the
     * connection ({@link Abort#unannounced}) when the server sent it without a close_notify or a
     * FIN of its own before it, and before the client closed (then it only answers that close);
     * either came while a request waited ({@link Abort#unanswered}) when the client had sent data
     * after the server's last data.
     */
    static Verdict.Endings endings(List<Step> s, Step done, Role server) {
        int i = 0;
        while (i < s.size() && s.get(i) != done) {
            i++;
        }
        boolean serverFin = false;
        boolean clientFin = false;
        Abort abruptClose = null;
        for (i++; i < s.size(); i++) {
            Step e = s.get(i);
            switch (e.kind()) {
                case FIN -> {
                    if (e.role() != server) {
                        clientFin = true;
                    } else if (!serverFin) {
                        serverFin = true;
                        Event.Fin f = (Event.Fin) e.event();
                        // after the client's own FIN the server's FIN answers it: an orderly end
                        if (!clientFin && !f.sender().endedWithAlert()) {
                            abruptClose = new Abort(e, done, true, f.peer().spokeAfter(f.sender()));
                        }
                    }
                }
                case RST -> {
                    Event.Rst r = (Event.Rst) e.event();
                    boolean byServer = e.role() == server;
                    Event.Side serverSide = byServer ? r.sender() : r.peer();
                    Event.Side clientSide = byServer ? r.peer() : r.sender();
                    // a RST the server sends after the client closed answers that close
                    boolean unannounced = byServer && !serverFin && !clientFin && !serverSide.endedWithAlert();
                    return new Verdict.Endings(new Abort(e, done, unannounced, clientSide.spokeAfter(serverSide)),
                            abruptClose);
                }
                case SYN, SYNACK, CLIENT_HELLO, SERVER_HELLO, HANDSHAKE, CCS, ENCRYPTED, ALERT, PLAINTEXT, STARTTLS, GAP,
                     VIOLATION -> {
                }
            }
        }
        return new Verdict.Endings(null, abruptClose);
    }

    /**
     * The step that completed the handshake, or null. TLS 1.3 (and SSLv2): a ServerHello, then
     * protected records from both sides after it (the client's not alert-sized). TLS &lt;= 1.2:
     * ChangeCipherSpec followed by a protected record (the encrypted Finished), both ways.
     */
    static Step completion(List<Step> s, int ch, Role client) {
        Role server = client.other();
        for (int i = ch + 1; i < s.size(); i++) {
            Step e = s.get(i);
            if (e.is(SERVER_HELLO, server)) {
                ServerHello sh = serverHello(e);
                if (sh.sslv2Format() || (sh.tls13() && !sh.helloRetryRequest())) {
                    Step sEnc = indexStep(s, ENCRYPTED, server, i + 1);
                    Step cEnc = firstProtected(s, client, i + 1);
                    if (sEnc != null && cEnc != null && !(sh.tls13() && alertSized(cEnc))) {
                        return later(sEnc, cEnc);
                    }
                    return null;
                }
            }
        }
        Step cDone = finishedAfterCcs(s, client, ch + 1);
        Step sDone = finishedAfterCcs(s, server, ch + 1);
        return cDone != null && sDone != null ? later(cDone, sDone) : null;
    }

    private static Step firstProtected(List<Step> s, Role role, int from) {
        return indexStep(s, ENCRYPTED, role, from);
    }

    private static Step finishedAfterCcs(List<Step> s, Role role, int from) {
        int ccs = indexOf(s, CCS, role, from);
        return ccs < 0 ? null : indexStep(s, ENCRYPTED, role, ccs + 1);
    }

    private static String completionReason(List<Step> s, int ch, Role server) {
        for (int i = ch + 1; i < s.size(); i++) {
            Step e = s.get(i);
            if (e.is(SERVER_HELLO, server)) {
                ServerHello sh = serverHello(e);
                if (!sh.helloRetryRequest()) {
                    return "handshake_" + VersionNames.shortName(sh.selectedVersion(), sh.sslv2Format());
                }
            }
        }
        return "handshake_completed";
    }

    private Verdict withoutClientHello(Timeline t) {
        List<Step> s = t.steps();
        int syn = indexOf(s, EventKind.SYN, null, 0);
        if (syn >= 0) {
            Role initiator = s.get(syn).role();
            for (int i = syn + 1; i < s.size(); i++) {
                Step e = s.get(i);
                if (e.role() == initiator) {
                    continue;
                }
                if (e.kind() == EventKind.RST) {
                    return new Verdict(Outcome.CONNECTION_REFUSED, "rst_to_syn", null, e);
                }
                break;
            }
        }
        boolean clientPlain = false;
        boolean anyPlain = false;
        boolean anyTls = false;
        boolean starttls = false;
        Step sh = null;
        for (Step e : s) {
            switch (e.kind()) {
                case PLAINTEXT -> {
                    anyPlain = true;
                    clientPlain |= e.role() == Role.CLIENT;
                }
                case STARTTLS -> {
                    starttls = true;
                    anyTls = true;
                }
                case SERVER_HELLO -> {
                    sh = sh == null ? e : sh;
                    anyTls = true;
                }
                case HANDSHAKE, CCS, ENCRYPTED, ALERT -> anyTls = true;
                case SYN, SYNACK, CLIENT_HELLO, FIN, RST, GAP, VIOLATION -> {
                }
            }
        }
        if (sh != null) {
            Step c = finishedAfterCcs(s, Role.CLIENT, 0);
            Step v = finishedAfterCcs(s, Role.SERVER, 0);
            if (c != null && v != null) {
                Step done = later(c, v);
                return new Verdict(Outcome.COMPLETED, "client_hello_not_captured", null, done)
                        .withEndings(endings(s, done, Role.SERVER));
            }
            return new Verdict(Outcome.INDETERMINATE, "client_hello_not_captured", null, sh);
        }
        if (clientPlain && !starttls) {
            return new Verdict(Outcome.NOT_TLS, "client_not_tls", null, null);
        }
        if (anyTls) {
            return new Verdict(Outcome.MIDSTREAM, "no_hellos", null, null);
        }
        if (anyPlain) {
            return new Verdict(Outcome.NOT_TLS, "not_tls", null, null);
        }
        if (indexOf(s, EventKind.RST, null, 0) >= 0) {
            return new Verdict(Outcome.INDETERMINATE, "reset_before_client_hello", null,
                    s.get(indexOf(s, EventKind.RST, null, 0)));
        }
        return new Verdict(Outcome.INDETERMINATE, "no_client_hello", null, null);
    }

    // The values of the steps the switches above have already told apart by kind: each kind has
    // exactly one Event record (see Event), so these never see another type.

    private static Alert alert(Step e) {
        return e.event() instanceof Event.AlertSeen a ? a.alert() : Alert.encryptedAlert();
    }

    private static ServerHello serverHello(Step e) {
        return ((Event.ServerHelloSeen) e.event()).hello();
    }

    private static boolean alertSized(Step e) {
        return e.event() instanceof Event.Protected p && p.alertSized();
    }

    private static String alertReason(Alert a) {
        String name = a.name();
        return name != null ? name : "alert_" + a.description();
    }

    private static Step later(Step a, Step b) {
        return a.frame() >= b.frame() ? a : b;
    }

    private static int indexOf(List<Step> s, EventKind kind, Role role, int from) {
        for (int i = from; i < s.size(); i++) {
            Step e = s.get(i);
            if (e.kind() == kind && (role == null || e.role() == role)) {
                return i;
            }
        }
        return -1;
    }

    private static Step indexStep(List<Step> s, EventKind kind, Role role, int from) {
        int i = indexOf(s, kind, role, from);
        return i < 0 ? null : s.get(i);
    }
}
