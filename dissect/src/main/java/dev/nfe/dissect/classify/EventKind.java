package dev.nfe.dissect.classify;

/**
 * The facts a connection's timeline records, in arrival order. Only turning points are kept
 * (not every data segment), so a timeline stays short; {@link #letter()} gives the compact
 * history string (upper case: client, lower case: server), in the spirit of Zeek's conn history.
 */
public enum EventKind {
    /** SYN without ACK */
    SYN('S'),
    /** SYN with ACK */
    SYNACK('H'),
    /** a ClientHello completed */
    CLIENT_HELLO('C'),
    /** a ServerHello / HelloRetryRequest / SSLv2 SERVER-HELLO completed */
    SERVER_HELLO('V'),
    /** another plaintext handshake message (certificate, key exchange, ...) */
    HANDSHAKE('K'),
    /** ChangeCipherSpec */
    CCS('X'),
    /** a protected record (first after each change of state) */
    ENCRYPTED('E'),
    /** an alert record */
    ALERT('A'),
    /** bytes that are not TLS */
    PLAINTEXT('P'),
    /** TLS began after a plaintext prefix */
    STARTTLS('T'),
    /** first FIN of a side */
    FIN('F'),
    /** a RST */
    RST('R'),
    /** bytes never captured */
    GAP('G'),
    /** the side's TLS stream broke the protocol */
    VIOLATION('!');

    private final char letter;

    EventKind(char letter) {
        this.letter = letter;
    }

    public char letter() {
        return letter;
    }
}
