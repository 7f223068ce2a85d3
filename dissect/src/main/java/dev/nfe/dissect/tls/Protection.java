package dev.nfe.dissect.tls;

/**
 * Whether one direction's records are still readable: the protection state machine of a
 * {@link TlsStreamDecoder} direction (STYLE.md item 10: named states, a transition table).
 *
 * <p>The decoder does not know whether a direction is the client or the server; it learns
 * it from the hellos the direction sends. Four events move the state:
 * <ul>
 *   <li>{@link Event#CLIENT_HELLO_TLS13}: a ClientHello whose supported_versions offers TLS 1.3;</li>
 *   <li>{@link Event#HELLO_RETRY_REQUEST}: a ServerHello that is a HelloRetryRequest (RFC 8446 4.1.4);</li>
 *   <li>{@link Event#SERVER_HELLO_TLS13}: a ServerHello that selects TLS 1.3 (not an HRR);</li>
 *   <li>{@link Event#CHANGE_CIPHER_SPEC}: a ChangeCipherSpec record.</li>
 * </ul>
 * Other hellos (TLS 1.2 and older) move nothing.
 *
 * <p>The rules (RFC 5246 section 7.1; RFC 8446 section 5 and appendix D.4, middlebox
 * compatibility mode): after a direction's ChangeCipherSpec its handshake records are encrypted
 * (the Finished); a CCS after this direction's HelloRetryRequest protects nothing; after a CCS
 * from a client that offered TLS 1.3 a record holding a ClientHello (the second one, after an
 * HRR) is still read in clear; after a ServerHello that selects TLS 1.3 everything later in this
 * direction is protected, and a CCS changes nothing.
 *
 * <pre>
 * state                | CLIENT_HELLO_TLS13   HELLO_RETRY_REQUEST  SERVER_HELLO_TLS13  CHANGE_CIPHER_SPEC
 * ---------------------+-----------------------------------------------------------------------------------
 * CLEAR                | OFFERED_TLS13        SENT_HRR             TLS13               CCS_PROTECTED *
 * OFFERED_TLS13        | OFFERED_TLS13        SENT_HRR             TLS13               COMPAT_CCS *
 * SENT_HRR             | SENT_HRR             SENT_HRR             TLS13               SENT_HRR
 * CCS_PROTECTED        | CCS_PROTECTED        CCS_PROTECTED        CCS_PROTECTED       CCS_PROTECTED *
 * COMPAT_CCS           | COMPAT_CCS           COMPAT_CCS_SENT_HRR  TLS13               COMPAT_CCS *
 * COMPAT_CCS_SENT_HRR  | COMPAT_CCS_SENT_HRR  COMPAT_CCS_SENT_HRR  TLS13               COMPAT_CCS_SENT_HRR
 * TLS13                | TLS13                TLS13                TLS13               TLS13
 *
 * * the CCS also ends the plaintext handshake: a message it cuts off is dropped
 *   ({@link #ccsEndsHandshake()}, anomaly incomplete_handshake_message).
 * </pre>
 *
 * In {@link #CCS_PROTECTED} every handshake record is protected, so no hello can be read and its
 * row never moves. {@link #COMPAT_CCS_SENT_HRR} needs one direction to send both a ClientHello
 * and a HelloRetryRequest, which no real peer does; it exists so the rules above hold for every
 * input, not only for sensible ones.
 */
enum Protection {
    /** Nothing that protects records has been sent: handshake records are read in clear. */
    CLEAR,
    /** This direction offered TLS 1.3 in a ClientHello: a CCS from it may be a compatibility CCS. */
    OFFERED_TLS13,
    /** This direction sent a HelloRetryRequest: a CCS from it protects nothing. */
    SENT_HRR,
    /** After a ChangeCipherSpec (TLS 1.2 and older): every later handshake record is encrypted. */
    CCS_PROTECTED,
    /** After a CCS from a client that offered TLS 1.3: only ClientHello records are still in clear. */
    COMPAT_CCS,
    /** {@link #COMPAT_CCS}, and this direction then sent a HelloRetryRequest: a further CCS changes nothing. */
    COMPAT_CCS_SENT_HRR,
    /** This direction's ServerHello selected TLS 1.3: everything later is encrypted. */
    TLS13;

    /** What moves the state. */
    enum Event {
        CLIENT_HELLO_TLS13,
        HELLO_RETRY_REQUEST,
        SERVER_HELLO_TLS13,
        CHANGE_CIPHER_SPEC
    }

    /** How this direction's handshake records (and heartbeats) are read. */
    enum Reading {
        /** in clear */
        CLEAR,
        /**
         * protected, except a record that continues a message cut off at the CCS's record or one that
         * holds a ClientHello (its type, length and version add up); heartbeats are protected
         */
        CLIENT_HELLO_ONLY,
        /** every handshake and heartbeat record is protected */
        PROTECTED
    }

    /** The state after {@code event} (the table in the class comment). */
    Protection after(Event event) {
        return switch (this) {
            case CLEAR -> switch (event) {
                case CLIENT_HELLO_TLS13 -> OFFERED_TLS13;
                case HELLO_RETRY_REQUEST -> SENT_HRR;
                case SERVER_HELLO_TLS13 -> TLS13;
                case CHANGE_CIPHER_SPEC -> CCS_PROTECTED;
            };
            case OFFERED_TLS13 -> switch (event) {
                case CLIENT_HELLO_TLS13 -> OFFERED_TLS13;
                case HELLO_RETRY_REQUEST -> SENT_HRR;
                case SERVER_HELLO_TLS13 -> TLS13;
                case CHANGE_CIPHER_SPEC -> COMPAT_CCS;
            };
            case SENT_HRR -> switch (event) {
                case CLIENT_HELLO_TLS13, HELLO_RETRY_REQUEST, CHANGE_CIPHER_SPEC -> SENT_HRR;
                case SERVER_HELLO_TLS13 -> TLS13;
            };
            case CCS_PROTECTED -> CCS_PROTECTED;
            case COMPAT_CCS -> switch (event) {
                case CLIENT_HELLO_TLS13, CHANGE_CIPHER_SPEC -> COMPAT_CCS;
                case HELLO_RETRY_REQUEST -> COMPAT_CCS_SENT_HRR;
                case SERVER_HELLO_TLS13 -> TLS13;
            };
            case COMPAT_CCS_SENT_HRR -> switch (event) {
                case CLIENT_HELLO_TLS13, HELLO_RETRY_REQUEST, CHANGE_CIPHER_SPEC -> COMPAT_CCS_SENT_HRR;
                case SERVER_HELLO_TLS13 -> TLS13;
            };
            case TLS13 -> TLS13;
        };
    }

    /** How handshake records are read in this state; heartbeats are protected unless this is {@link Reading#CLEAR}. */
    Reading reading() {
        return switch (this) {
            case CLEAR, OFFERED_TLS13, SENT_HRR -> Reading.CLEAR;
            case COMPAT_CCS, COMPAT_CCS_SENT_HRR -> Reading.CLIENT_HELLO_ONLY;
            case CCS_PROTECTED, TLS13 -> Reading.PROTECTED;
        };
    }

    /**
     * Whether a CCS in this state ends the plaintext handshake (a message it cuts off is dropped).
     * False where a CCS is a TLS 1.3 compatibility CCS that protects nothing.
     */
    boolean ccsEndsHandshake() {
        return switch (this) {
            case CLEAR, OFFERED_TLS13, CCS_PROTECTED, COMPAT_CCS -> true;
            case SENT_HRR, COMPAT_CCS_SENT_HRR, TLS13 -> false;
        };
    }

    /**
     * Whether a plaintext Certificate message is decoded: not after a TLS 1.3 ServerHello (a message
     * later in the same record is a TLS 1.3 message, whose certificates are encrypted on the wire).
     */
    boolean decodesCertificates() {
        return this != TLS13;
    }
}
