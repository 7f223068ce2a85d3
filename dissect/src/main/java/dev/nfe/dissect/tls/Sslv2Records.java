package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import java.util.List;

/**
 * The SSLv2 records of one direction (draft-hickman-netscape-ssl-00). SSLv2 has no handshake
 * framing of its own: each record carries one message, so this is record and handshake layer at
 * once. Only the messages that can be in clear are read: the first record (CLIENT-HELLO,
 * SERVER-HELLO or ERROR), a CLIENT-MASTER-KEY right after this direction's CLIENT-HELLO, and an
 * ERROR (3 bytes) at any point; every other record is counted over as encrypted
 * ({@link TlsStreamDecoder#SSLV2_RECORD}).
 */
final class Sslv2Records {

    private final TlsContext context;
    private final TlsLimits limits;
    private final Reporter report;
    /** SSLv2 records completed so far (a damaged one is not counted) */
    private int records;
    private boolean sentClientHello;

    Sslv2Records(TlsContext context, Reporter report) {
        this.context = context;
        this.limits = context.limits();
        this.report = report;
    }

    /** Whether the next record, whose message (the body without padding) has this length, may be in clear and is kept whole. */
    boolean keeps(int length) {
        return records == 0 || (records == 1 && sentClientHello) || length == 3;
    }

    /**
     * A record {@link #keeps kept} whole: body {@code b[off, off+len)} ending in {@code padding} bytes
     * of padding; {@code firstFeed} is the feed that brought its first byte.
     */
    void record(byte[] b, int off, int len, int padding, long firstFeed) {
        message(b, off, len - padding, len, firstFeed);
        records++;
    }

    /**
     * A record being kept was damaged by a gap: it counts, unread, so the next record is not taken
     * for the first; a damaged CLIENT-HELLO is still a CLIENT-HELLO sent, so a CLIENT-MASTER-KEY may
     * follow.
     */
    void lost(int messageType) {
        if (records == 0 && messageType == Sslv2Parser.CLIENT_HELLO) {
            sentClientHello = true;
        }
        records++;
    }

    /** A record counted over: encrypted. */
    void counted(int length) {
        report.events.encryptedRecord(TlsStreamDecoder.SSLV2_RECORD, length, report.frame, report.ts);
        records++;
    }

    /** The message {@code b[off, off+len)} of a record whose body (with padding) is {@code recordLength} long. */
    private void message(byte[] b, int off, int len, int recordLength, long firstFeed) {
        long frame = report.frame;
        long ts = report.ts;
        if (records == 0) {
            int type = b[off] & 0xff;
            report.events.handshakeMessage(0x100 + type, len, frame, ts);
            if (type == Sslv2Parser.CLIENT_HELLO) {
                ClientHello hello = Sslv2Parser.clientHello(b, off, len, limits, context.lists(), report);
                if (hello != null) {
                    sentClientHello = true;
                    report.events.clientHello(hello.withTransport(1, (int) (report.feeds - firstFeed + 1)), frame, ts);
                }
            } else if (type == Sslv2Parser.SERVER_HELLO) {
                Sslv2Parser.ServerHelloAndCertificate sh = Sslv2Parser.serverHello(b, off, len, limits, report);
                if (sh != null) {
                    report.events.serverHello(sh.hello(), frame, ts);
                    if (sh.certificateLength() > 0 && limits.maxCertificates() > 0) {
                        report.events.certificates(List.of(CertificateDecoder.decode(b, sh.certificateOffset(),
                                sh.certificateLength(), context, report)), frame, ts);
                    }
                }
            }
            return;
        }
        if (records == 1 && sentClientHello && Sslv2Parser.isClientMasterKey(b, off, len)) {
            report.events.handshakeMessage(0x100 + Sslv2Parser.CLIENT_MASTER_KEY, len, frame, ts);
        } else if (Sslv2Parser.isError(b, off, len)) {
            report.events.handshakeMessage(0x100 + Sslv2Parser.ERROR, len, frame, ts);
        } else {
            // encrypted after all: its length on the wire, as for a record counted over
            report.events.encryptedRecord(TlsStreamDecoder.SSLV2_RECORD, recordLength, frame, ts);
        }
    }
}
