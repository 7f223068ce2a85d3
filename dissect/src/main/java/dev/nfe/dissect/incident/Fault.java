package dev.nfe.dissect.incident;

import dev.nfe.dissect.report.AbortEvidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.RstEvidence;
import dev.nfe.dissect.report.SessionRecord;

import java.util.Locale;

/**
 * The cause an incident stands for (DESIGN.md, "Diagnosis"): findings at one server with the same
 * fault are one incident. A server host that drops connections — a dying worker — does it in
 * every phase, with a RST when the socket still holds unread bytes and a FIN (without
 * close_notify) when it does not, so all of that is one fault; RSTs whose TTL says a middlebox
 * forged them are another; and so are alerts, FINs right after the hello, non-TLS answers and
 * silence.
 */
public enum Fault {
    /** The server host dropped connections: RSTs in any phase, FINs that cut a handshake or a request. */
    SERVER_DROP,
    /** RSTs whose TTL disagrees with the endpoint they claim to come from. */
    MIDDLEBOX_RESET,
    /** RSTs from the client side (or something in its name) before the handshake completed. */
    CLIENT_RESET,
    /** The server closed (FIN) right after the ClientHello, without a TLS byte. */
    SERVER_CLOSE,
    /** Clients closed (FIN) mid-handshake. */
    CLIENT_ABANDON,
    /** The server refused handshakes with an alert. */
    SERVER_ALERT,
    /** Clients aborted handshakes with an alert. */
    CLIENT_ALERT,
    /** The server answered with bytes that are not TLS. */
    NON_TLS,
    /** The server never answered the ClientHello. */
    SILENCE,
    /** SYNs answered by RST: nothing listens, or a firewall refuses. */
    REFUSED;

    /** The wire name ("server_drop"). */
    public String code() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The fault behind finding {@code f} of session {@code s}; null when it has none (no verdict). */
    public static Fault of(Finding f, SessionRecord s) {
        return switch (f.kind()) {
            case RESET_AFTER_CLIENT_HELLO, RESET_DURING_HANDSHAKE -> ofRst(s.rst());
            case RESET_AFTER_HANDSHAKE, CLOSED_AFTER_HANDSHAKE -> ofEnding(
                    f.kind() == dev.nfe.dissect.report.FindingKind.RESET_AFTER_HANDSHAKE ? s.abort() : s.abruptClose());
            case CLOSED_DURING_HANDSHAKE -> "fin_by_server".equals(s.reason()) ? SERVER_DROP : CLIENT_ABANDON;
            case CLOSED_AFTER_CLIENT_HELLO -> SERVER_CLOSE;
            case SERVER_ALERT -> SERVER_ALERT;
            case CLIENT_ALERT -> CLIENT_ALERT;
            case NON_TLS_RESPONSE -> NON_TLS;
            case NO_SERVER_RESPONSE -> SILENCE;
            case CONNECTION_REFUSED -> REFUSED;
            case INDETERMINATE -> null;
        };
    }

    private static Fault ofRst(RstEvidence r) {
        if (r == null) {
            return SERVER_DROP;
        }
        if (r.injectedSuspect()) {
            return MIDDLEBOX_RESET;
        }
        return r.by() == Role.SERVER ? SERVER_DROP : CLIENT_RESET;
    }

    private static Fault ofEnding(AbortEvidence a) {
        return a != null && a.injectedSuspect() ? MIDDLEBOX_RESET : SERVER_DROP;
    }
}
