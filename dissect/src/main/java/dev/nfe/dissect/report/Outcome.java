package dev.nfe.dissect.report;

/**
 * The verdict for one TCP connection that carried TLS, tried to, or saw a RST. Exactly one per
 * connection. The vocabulary is fixed by DESIGN.md ("Outcome vocabulary"); {@link #code()} is a
 * stable short code for compact stores, never reused.
 */
public enum Outcome {
    /**
     * Both sides finished the handshake: for TLS &lt;= 1.2 ChangeCipherSpec plus a protected
     * record (Finished) in both directions; for TLS 1.3 a ServerHello and then protected records
     * from both sides; for SSLv2 protected records both ways after the SERVER-HELLO. How the
     * connection ended afterwards does not matter.
     */
    COMPLETED("OK", false),
    /**
     * The first reaction to the ClientHello was a TCP RST, with no TLS byte and no FIN before
     * it. {@code rst.by} says which side; {@code server} is the crashed-worker case (the kernel
     * resets a socket closed with the ClientHello still unread).
     */
    RESET_AFTER_CLIENT_HELLO("RCH", true),
    /** The server's first reaction to the ClientHello was a FIN, with no TLS byte before it. */
    CLOSED_AFTER_CLIENT_HELLO("FCH", true),
    /** The server answered with a plaintext TLS alert before the handshake completed. */
    SERVER_ALERT("SAL", true),
    /** The client aborted with a plaintext alert before completion (e.g. unknown_ca). */
    CLIENT_ALERT("CAL", true),
    /** The server answered the ClientHello with bytes that are not TLS (e.g. "HTTP/1.1 400"). */
    NON_TLS_RESPONSE("NTR", true),
    /**
     * The server sent nothing after the ClientHello until the client gave up (FIN) or the flow
     * timed out.
     */
    NO_SERVER_RESPONSE("NSR", true),
    /** A RST (either side) after the server's first handshake bytes, before completion. */
    RESET_DURING_HANDSHAKE("RDH", true),
    /** A FIN (either side) after the server's first handshake bytes, before completion, no alert. */
    CLOSED_DURING_HANDSHAKE("FDH", true),
    /** The SYN was answered by a RST. */
    CONNECTION_REFUSED("REF", true),
    /** The client's first bytes are not TLS and no STARTTLS upgrade followed. */
    NOT_TLS("NOT", false),
    /** The capture starts after the handshake: TLS records but no hellos. */
    MIDSTREAM("MID", false),
    /** A capture gap, truncation or the end of the capture leaves no verdict; {@code reason} says which. */
    INDETERMINATE("IND", true);

    private final String code;
    private final boolean failure;

    Outcome(String code, boolean failure) {
        this.code = code;
        this.failure = failure;
    }

    /** Stable three-letter code. */
    public String code() {
        return code;
    }

    /** True for the outcomes that produce a finding (all but COMPLETED, NOT_TLS, MIDSTREAM). */
    public boolean failure() {
        return failure;
    }
}
