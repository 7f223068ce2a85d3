package dev.nfe.dissect.report;

/**
 * What a finding is about: every failure outcome of a session (DESIGN.md, "Outcome vocabulary"),
 * and two kinds that are not outcomes — a handshake that completed and was then dropped by the
 * server ({@link #RESET_AFTER_HANDSHAKE}, {@link #CLOSED_AFTER_HANDSHAKE}; the session's outcome
 * stays COMPLETED). {@link #code()} is a stable short code, the same as the outcome's where there
 * is one.
 */
public enum FindingKind {
    RESET_AFTER_CLIENT_HELLO("RCH"),
    CLOSED_AFTER_CLIENT_HELLO("FCH"),
    SERVER_ALERT("SAL"),
    CLIENT_ALERT("CAL"),
    NON_TLS_RESPONSE("NTR"),
    NO_SERVER_RESPONSE("NSR"),
    RESET_DURING_HANDSHAKE("RDH"),
    CLOSED_DURING_HANDSHAKE("FDH"),
    CONNECTION_REFUSED("REF"),
    INDETERMINATE("IND"),
    /**
     * The server host reset a connection whose handshake had completed, with no close_notify and
     * no FIN from the server before it: a worker that died holding the connection (the crash
     * loop), often with a request waiting ({@code abort.unanswered}).
     */
    RESET_AFTER_HANDSHAKE("RAH"),
    /**
     * The server host closed (FIN) a connection whose handshake had completed, without a
     * close_notify, while the client's request waited. A dying worker's kernel sends a FIN rather
     * than a RST when nothing is left unread in the socket: the same fault as RESET_AFTER_HANDSHAKE.
     */
    CLOSED_AFTER_HANDSHAKE("FAH");

    private final String code;

    FindingKind(String code) {
        this.code = code;
    }

    public String code() {
        return code;
    }

    /** The kind of a session's finding when its outcome is a failure, else null. */
    public static FindingKind of(Outcome o) {
        return switch (o) {
            case RESET_AFTER_CLIENT_HELLO -> RESET_AFTER_CLIENT_HELLO;
            case CLOSED_AFTER_CLIENT_HELLO -> CLOSED_AFTER_CLIENT_HELLO;
            case SERVER_ALERT -> SERVER_ALERT;
            case CLIENT_ALERT -> CLIENT_ALERT;
            case NON_TLS_RESPONSE -> NON_TLS_RESPONSE;
            case NO_SERVER_RESPONSE -> NO_SERVER_RESPONSE;
            case RESET_DURING_HANDSHAKE -> RESET_DURING_HANDSHAKE;
            case CLOSED_DURING_HANDSHAKE -> CLOSED_DURING_HANDSHAKE;
            case CONNECTION_REFUSED -> CONNECTION_REFUSED;
            case INDETERMINATE -> INDETERMINATE;
            case COMPLETED, NOT_TLS, MIDSTREAM -> null;
        };
    }
}
