package dev.nfe.dissect.tls;

/**
 * Decodes one direction of a TCP stream as SSL/TLS: record layer, handshake layer and the
 * messages the forensics need, pushing {@link TlsEvents} as units complete.
 *
 * <p>Contract (the reassembler keeps it): bytes arrive in stream order, exactly once, through
 * {@link #feed}; bytes that will never arrive are announced with {@link #gap}. Each feed carries
 * the frame number and timestamp of the TCP segment that delivered (or completed) those bytes.
 *
 * <p>STUB: the implementation lands with the TLS decoder work.
 */
public final class TlsStreamDecoder {

    /** What this direction turned out to carry so far. */
    public enum Mode {
        /** no byte seen yet */
        UNKNOWN,
        /** SSLv3/TLS records */
        TLS,
        /** SSLv2 records (a CLIENT-HELLO and what follows it) */
        SSLV2,
        /** bytes that are not TLS (possibly a STARTTLS prefix) */
        PLAINTEXT,
        /** a violation stopped parsing */
        BROKEN
    }

    private final TlsContext context;
    private final TlsEvents events;

    public TlsStreamDecoder(TlsContext context, TlsEvents events) {
        this.context = context;
        this.events = events;
    }

    /** Consumes {@code len} in-order bytes of {@code buf} from {@code off}. The array is not kept. */
    public void feed(byte[] buf, int off, int len, long frame, long tsNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /** {@code bytes} of the stream were never captured; framing after this point is uncertain. */
    public void gap(long bytes, long frame, long tsNanos) {
        throw new UnsupportedOperationException("not yet");
    }

    /** False once nothing more can be learned from this direction's bytes (after a violation). */
    public boolean wantsBytes() {
        return true;
    }

    public Mode mode() {
        return Mode.UNKNOWN;
    }
}
