package dev.nfe.dissect.finding;

import dev.nfe.dissect.classify.Event;
import dev.nfe.dissect.classify.Step;
import dev.nfe.dissect.classify.Verdict;
import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.Severity;

/**
 * What each outcome means to a person, in one place: how bad it is, the sentence of its finding,
 * the wording of its incidents, its short label in tables, and which evidence speaks for it.
 * Every switch over {@link Outcome} here is exhaustive (no {@code default}), so adding an outcome
 * makes the compiler name each spot that must say what it means.
 *
 * <p>COMPLETED, NOT_TLS and MIDSTREAM never become findings ({@link Outcome#failure()}); they are
 * named where the switch needs them, with the neutral value.
 */
public final class OutcomeMeaning {
    private OutcomeMeaning() {
    }

    /** How urgently a finding of {@code kind} about session {@code s} needs a person. */
    public static Severity severity(FindingKind kind, SessionRecord s) {
        return switch (kind) {
            // the crashed-worker signature, unless the RST came from the client or looks injected
            case RESET_AFTER_CLIENT_HELLO -> s.rst() != null && s.rst().by() == Role.SERVER
                    && !s.rst().injectedSuspect() ? Severity.HIGH : Severity.MEDIUM;
            case CLOSED_AFTER_CLIENT_HELLO, NO_SERVER_RESPONSE -> Severity.HIGH;
            case SERVER_ALERT, NON_TLS_RESPONSE, RESET_DURING_HANDSHAKE, CLOSED_DURING_HANDSHAKE, CONNECTION_REFUSED ->
                    Severity.MEDIUM;
            case CLIENT_ALERT, INDETERMINATE -> Severity.LOW;
            // a request was waiting: a person lost an answer
            case RESET_AFTER_HANDSHAKE -> s.abort() != null && s.abort().unanswered() ? Severity.HIGH : Severity.LOW;
            // only reported with a request waiting; a FIN is also how a server closes idle keep-alive in a race
            case CLOSED_AFTER_HANDSHAKE -> Severity.MEDIUM;
        };
    }

    /** The finding's one line: who did what, how long after the hello, the hello, the frames. */
    public static String sentence(FindingKind kind, SessionRecord s, Verdict v, Step reaction) {
        String hello = Phrases.hello(s.clientHello());
        String after = v.reaction() != null && v.hello() != null
                ? " " + Phrases.duration(v.reaction().tsNanos() - v.hello().tsNanos()) + " after the ClientHello" : "";
        String frames = frames(v.hello(), reaction);
        return switch (kind) {
            case RESET_AFTER_CLIENT_HELLO -> resetPhrase(s) + after + " " + hello + rstPhrase(s.rst()) + frames;
            case CLOSED_AFTER_CLIENT_HELLO -> "server " + s.server() + " closed (FIN) the connection from " + s.client()
                    + after + " without a TLS byte " + hello + frames;
            case SERVER_ALERT -> "server " + s.server() + " answered " + s.client() + " with alert "
                    + alertPhrase(v.reaction()) + after + " " + hello + frames;
            case CLIENT_ALERT -> "client " + s.client() + " aborted the handshake with " + s.server() + " with alert "
                    + alertPhrase(v.reaction()) + after + " " + hello + frames;
            case NON_TLS_RESPONSE -> "server " + s.server() + " answered " + s.client() + " with non-TLS bytes"
                    + plaintextPhrase(v.reaction()) + after + " " + hello + frames;
            case NO_SERVER_RESPONSE -> "server " + s.server() + " never answered " + s.client() + "'s ClientHello "
                    + hello + (v.reaction() != null ? "; the client gave up" + after
                    : "; nothing came back before the flow ended") + frames;
            case RESET_DURING_HANDSHAKE -> "handshake " + s.client() + " -> " + s.server() + " reset by the "
                    + (s.reason().endsWith("server") ? "server" : "client") + after + " " + hello + rstPhrase(s.rst())
                    + frames;
            case CLOSED_DURING_HANDSHAKE -> "handshake " + s.client() + " -> " + s.server() + " closed (FIN) by the "
                    + (s.reason().endsWith("server") ? "server" : "client") + " before it completed" + after + " "
                    + hello + frames;
            case CONNECTION_REFUSED -> "server " + s.server() + " refused the connection from " + s.client()
                    + " (RST to SYN)" + frames;
            case INDETERMINATE -> "no verdict for " + s.client() + " -> " + s.server()
                    + ": " + s.reason().replace('_', ' ') + " " + hello + frames;
            case RESET_AFTER_HANDSHAKE -> "server " + s.server() + " reset " + s.client() + " "
                    + Phrases.duration(s.abort().afterHandshakeMicros() * 1000) + " after the handshake completed"
                    + (s.abort().unanswered() ? ", with a request unanswered" : ", the connection idle")
                    + " (no close_notify, no FIN) " + hello + ttlPhrase(s.abort(), "RST") + frames;
            case CLOSED_AFTER_HANDSHAKE -> "server " + s.server() + " closed (FIN, no close_notify) the connection from "
                    + s.client() + " " + Phrases.duration(s.abruptClose().afterHandshakeMicros() * 1000)
                    + " after the handshake completed, with a request unanswered " + hello
                    + ttlPhrase(s.abruptClose(), "FIN") + frames;
        };
    }

    /** The finding's short snake_case reason. */
    static String reason(FindingKind kind, SessionRecord s) {
        return switch (kind) {
            case RESET_AFTER_HANDSHAKE -> "rst_by_server_after_handshake";
            case CLOSED_AFTER_HANDSHAKE -> "fin_by_server_after_handshake";
            case RESET_AFTER_CLIENT_HELLO, CLOSED_AFTER_CLIENT_HELLO, SERVER_ALERT, CLIENT_ALERT, NON_TLS_RESPONSE,
                 NO_SERVER_RESPONSE, RESET_DURING_HANDSHAKE, CLOSED_DURING_HANDSHAKE, CONNECTION_REFUSED,
                 INDETERMINATE -> s.reason();
        };
    }

    /** How an incident's paragraph counts findings of {@code kind}: "5 reset after the handshake". */
    public static String shortly(FindingKind kind) {
        return switch (kind) {
            case RESET_AFTER_CLIENT_HELLO -> "reset right after the ClientHello";
            case CLOSED_AFTER_CLIENT_HELLO -> "closed right after the ClientHello";
            case SERVER_ALERT -> "refused with an alert";
            case CLIENT_ALERT -> "aborted by the client with an alert";
            case NON_TLS_RESPONSE -> "answered with non-TLS bytes";
            case NO_SERVER_RESPONSE -> "never answered";
            case RESET_DURING_HANDSHAKE -> "reset mid-handshake";
            case CLOSED_DURING_HANDSHAKE -> "closed mid-handshake";
            case CONNECTION_REFUSED -> "refused";
            case INDETERMINATE -> "without a verdict";
            case RESET_AFTER_HANDSHAKE -> "reset after the handshake";
            case CLOSED_AFTER_HANDSHAKE -> "closed after the handshake";
        };
    }

    /** A column header short enough for a terminal table. */
    public static String label(Outcome o) {
        return switch (o) {
            case COMPLETED -> "ok";
            case RESET_AFTER_CLIENT_HELLO -> "rst-after-hello";
            case CLOSED_AFTER_CLIENT_HELLO -> "fin-after-hello";
            case SERVER_ALERT -> "server-alert";
            case CLIENT_ALERT -> "client-alert";
            case NON_TLS_RESPONSE -> "non-tls-answer";
            case NO_SERVER_RESPONSE -> "no-answer";
            case RESET_DURING_HANDSHAKE -> "rst-in-handshake";
            case CLOSED_DURING_HANDSHAKE -> "fin-in-handshake";
            case CONNECTION_REFUSED -> "refused";
            case NOT_TLS -> "not-tls";
            case MIDSTREAM -> "midstream";
            case INDETERMINATE -> "indeterminate";
        };
    }

    private static String resetPhrase(SessionRecord s) {
        if (s.rst() != null && s.rst().by() == Role.CLIENT) {
            return "client " + s.client() + " (or something in its name) reset the connection to " + s.server();
        }
        return "server " + s.server() + " reset " + s.client();
    }

    private static String rstPhrase(RstEvidence r) {
        if (r == null) {
            return "";
        }
        StringBuilder sb = new StringBuilder("; RST TTL ").append(r.ttl());
        if (r.senderTtl() != null) {
            sb.append(r.injectedSuspect() ? " differs from the " : " matches the ")
                    .append(r.by().wireName()).append("'s ").append(r.senderTtl());
            sb.append(r.injectedSuspect() ? " (likely injected by a middlebox)" : " (sent by the " + r.by().wireName() + " host)");
        }
        if (r.by() == Role.SERVER) {
            sb.append(r.clientHelloAcked() ? ", hello was ACKed" : ", hello not ACKed");
        }
        return sb.toString();
    }

    private static String alertPhrase(Step reaction) {
        if (reaction == null || !(reaction.event() instanceof Event.AlertSeen seen) || seen.alert().encrypted()) {
            return "(encrypted; inferred from the record size)";
        }
        Alert a = seen.alert();
        String level = a.level() == 2 ? "fatal" : a.level() == 1 ? "warning" : "level " + a.level();
        return (a.name() != null ? a.name() : "unknown") + " (" + a.description() + ", " + level + ")";
    }

    private static String plaintextPhrase(Step reaction) {
        if (reaction == null || !(reaction.event() instanceof Event.Plaintext p)) {
            return "";
        }
        byte[] b = p.firstBytes();
        StringBuilder sb = new StringBuilder(" \"");
        int n = Math.min(b.length, 16);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xff;
            if (c == '\r' || c == '\n') {
                break;
            }
            sb.append(c >= 0x20 && c < 0x7f ? (char) c : '.');
        }
        return sb.append('"').toString();
    }

    /** "; RST TTL 64 matches the server's 64 (sent by the server host)". */
    private static String ttlPhrase(AbortEvidence a, String what) {
        StringBuilder sb = new StringBuilder("; ").append(what).append(" TTL ").append(a.ttl());
        if (a.serverTtl() != null) {
            sb.append(a.injectedSuspect() ? " differs from the server's " : " matches the server's ").append(a.serverTtl())
                    .append(a.injectedSuspect() ? " (likely injected by a middlebox)" : " (sent by the server host)");
        }
        return sb.toString();
    }

    /** "; frames: hello 4, rst 6". */
    private static String frames(Step hello, Step reaction) {
        StringBuilder sb = new StringBuilder();
        if (hello != null && hello.frame() > 0) {
            sb.append("hello ").append(hello.frame());
        }
        if (reaction != null && reaction.frame() > 0) {
            if (sb.length() > 0) {
                sb.append(", ");
            }
            sb.append(reaction.kind().name().toLowerCase(java.util.Locale.ROOT).replace('_', ' ')).append(' ')
                    .append(reaction.frame());
        }
        return sb.length() == 0 ? "" : "; frames: " + sb;
    }
}
