package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;

/**
 * The handshake layer of one direction: takes the bodies of plaintext handshake records (never a
 * record header), cuts them into messages with {@link HandshakeReassembler} and hands each message
 * to its parser; it keeps the direction's {@link Protection} state, which the hellos and
 * ChangeCipherSpec move and which says whether the next handshake record is read at all.
 *
 * <p>After bytes were lost (a gap, or a capture that starts mid-stream) a partial message is
 * dropped and parsing resumes at the first handshake record that starts with a whole message of a
 * known type. A message that breaks its parser is a violation: the reassembler stops and the
 * direction reports nothing more.
 */
final class HandshakeLayer implements HandshakeReassembler.Sink, Issues {

    private final TlsContext context;
    private final TlsLimits limits;
    private final Reporter report;
    private final HandshakeReassembler reassembler;

    private Protection protection = Protection.CLEAR;
    /** bytes were lost: wait for a record that starts with a whole message */
    private boolean lost;
    /** index of the record being pushed (for ClientHello.records) */
    private long record;

    HandshakeLayer(TlsContext context, Reporter report) {
        this.context = context;
        this.limits = context.limits();
        this.report = report;
        this.reassembler = new HandshakeReassembler(limits.maxHandshakeMessage(), this);
    }

    Protection protection() {
        return protection;
    }

    /**
     * Whether a handshake record with this body is read in clear (else it is an encrypted record).
     * In {@link Protection.Reading#CLIENT_HELLO_ONLY} a record is read when it continues a message
     * or holds a ClientHello whose type, length and version add up.
     */
    boolean readsInClear(byte[] b, int off, int len) {
        return switch (protection.reading()) {
            case CLEAR -> true;
            case CLIENT_HELLO_ONLY -> reassembler.partial() || looksLikeClientHello(b, off, len);
            case PROTECTED -> false;
        };
    }

    /** The body of a plaintext handshake record, read in clear. */
    void push(byte[] b, int off, int len, long recordIndex, long recordFirstFeed, int recordVersion) {
        if (lost) {
            // after a gap, parse again from a record that starts with a whole message of a known type
            if (!startsWholeMessage(b, off, len)) {
                return;
            }
            lost = false;
        }
        record = recordIndex;
        reassembler.push(b, off, len, recordIndex, recordFirstFeed, recordVersion);
    }

    /** A ChangeCipherSpec record of this direction (RFC 5246 section 7.1, RFC 8446 appendix D.4). */
    void changeCipherSpec() {
        if (protection.ccsEndsHandshake() && reassembler.partial()) {
            report.anomaly("incomplete_handshake_message");
            reassembler.reset();
        }
        protection = protection.after(Protection.Event.CHANGE_CIPHER_SPEC);
    }

    /** Handshake bytes were lost: a partial message is void, and parsing waits for a whole one. */
    void lost() {
        reassembler.reset();
        lost = true;
    }

    // ------------------------------------------------------------------ HandshakeReassembler.Sink

    @Override
    public void message(int type, byte[] b, int off, int len, long firstRecord, long firstFeed,
                        int firstRecordVersion) {
        if (report.broken()) {
            return;
        }
        report.events.handshakeMessage(type, len, report.frame, report.ts);
        switch (type) {
            case 1 -> {
                ClientHello hello = ClientHelloParser.parse(b, off, len, firstRecordVersion, limits, context.lists(), this);
                if (hello != null) {
                    if (ClientHelloParser.offersTls13(hello)) {
                        protection = protection.after(Protection.Event.CLIENT_HELLO_TLS13);
                    }
                    report.events.clientHello(hello.withTransport((int) (record - firstRecord + 1),
                            (int) (report.feeds - firstFeed + 1)), report.frame, report.ts);
                }
            }
            case 2 -> {
                ServerHello hello = ServerHelloParser.parse(b, off, len, firstRecordVersion, limits, context.lists(), this);
                if (hello != null) {
                    if (hello.helloRetryRequest()) {
                        protection = protection.after(Protection.Event.HELLO_RETRY_REQUEST);
                    } else if (hello.tls13()) {
                        protection = protection.after(Protection.Event.SERVER_HELLO_TLS13);
                    }
                    report.events.serverHello(hello, report.frame, report.ts);
                }
            }
            case 11 -> {
                if (protection.decodesCertificates()) {
                    report.events.certificates(CertificateDecoder.decodeMessage(b, off, len, context, this),
                            report.frame, report.ts);
                }
            }
            default -> {
                if (!knownHandshakeType(type)) {
                    report.anomaly("unknown_handshake_type");
                }
            }
        }
    }

    @Override
    public boolean oversized(int type, int length) {
        if (type == 1 || type == 2) {
            violation("handshake_message_too_large: type " + type + " length " + length + " above the cap "
                    + limits.maxHandshakeMessage());
            return false;
        }
        report.anomaly("handshake_message_too_large");
        return true;
    }

    @Override
    public void skipped(int type, int length) {
        if (!report.broken()) {
            report.events.handshakeMessage(type, length, report.frame, report.ts);
        }
    }

    // ------------------------------------------------------------------ Issues (for the parsers)

    @Override
    public void anomaly(String name) {
        report.anomaly(name);
    }

    @Override
    public void violation(String reason) {
        reassembler.stop();
        report.violation(reason);
    }

    // ------------------------------------------------------------------ record body checks

    private static boolean startsWholeMessage(byte[] b, int off, int len) {
        if (len < 4 || !knownHandshakeType(b[off] & 0xff)) {
            return false;
        }
        int length = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        return length + 4 <= len;
    }

    /**
     * A record body that starts with a ClientHello whose type, length and version add up: the
     * message fits the record, or the record is a full fragment (at least 512 bytes, the smallest
     * max_fragment_length) of a longer one; legacy_version is 3.0 to 3.4.
     */
    private static boolean looksLikeClientHello(byte[] b, int off, int len) {
        if (len < 4 + 38 || (b[off] & 0xff) != 1) {
            return false;
        }
        int length = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        boolean fits = length + 4 <= len || len >= 512;
        return fits && length >= 38 && (b[off + 4] & 0xff) == 3 && (b[off + 5] & 0xff) <= 4;
    }

    /** RFC 8446 section 4 and the IANA TLS HandshakeType registry. */
    static boolean knownHandshakeType(int type) {
        return switch (type) {
            case 0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 67, 254 -> true;
            default -> false;
        };
    }
}
