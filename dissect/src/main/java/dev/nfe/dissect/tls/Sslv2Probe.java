package dev.nfe.dissect.tls;

import static dev.nfe.dissect.tls.RecordProbe.NEED_MORE;
import static dev.nfe.dissect.tls.RecordProbe.OK;

/**
 * The SSLv2 half of {@link RecordProbe}: SSLv2 record headers, and at the start of a direction
 * the hello inside the first record.
 *
 * <pre>
 * draft-hickman-netscape-ssl-00, "SSL Record Header":
 *   two-byte header (no padding):  RECORD-LENGTH = ((byte[0] &amp; 0x7f) &lt;&lt; 8) | byte[1]
 *   three-byte header (padding):   RECORD-LENGTH = ((byte[0] &amp; 0x3f) &lt;&lt; 8) | byte[1];
 *                                  IS-ESCAPE = byte[0] &amp; 0x40; PADDING = byte[2]
 *   The most significant bit of byte[0] tells the two apart (set: two bytes). RECORD-LENGTH counts
 *   the data and the padding; the last PADDING bytes of the record are padding.
 * </pre>
 */
final class Sslv2Probe {

    /** Largest SSLv2 record body (2-byte header). */
    static final int MAX_BODY = 0x7fff;

    private Sslv2Probe() {
    }

    /**
     * Whether the first byte of a direction may start a 3-byte SSLv2 header holding a hello: high
     * bit and IS-ESCAPE clear (a hello is no security escape), and a record shorter than 8 KB (the
     * third bit is the top bit of the 14-bit length). Real SSLv2 hellos are a few hundred bytes; allowing 8 KB and more
     * would make every printable first byte (0x20-0x3f: digits, '*', '+', '&lt;', ...) a possible
     * header and keep plaintext undecided for four bytes instead of one.
     */
    static boolean paddedHelloStart(int b0) {
        return (b0 & 0xe0) == 0;
    }

    /**
     * The first record of a direction: an SSLv2 record whose message is a CLIENT-HELLO, SERVER-HELLO
     * or ERROR with lengths that add up (draft-hickman-netscape-ssl-00; RFC 6101 appendix E.2 for the
     * v3 hello). With a 3-byte header ({@link #paddedHelloStart}) the record must be long enough for
     * an ERROR, the padding shorter than the record, and the message is what precedes the padding.
     * Every check is made as soon as its byte is there.
     *
     * <pre>
     * CLIENT-HELLO: char MSG-CLIENT-HELLO (1); char CLIENT-VERSION-MSB; char CLIENT-VERSION-LSB;
     *   char CIPHER-SPECS-LENGTH-MSB/LSB; char SESSION-ID-LENGTH-MSB/LSB; char CHALLENGE-LENGTH-MSB/LSB;
     *   char CIPHER-SPECS-DATA[(MSB&lt;&lt;8)|LSB]; char SESSION-ID-DATA[..]; char CHALLENGE-DATA[..]
     * SERVER-HELLO: char MSG-SERVER-HELLO (4); char SESSION-ID-HIT; char CERTIFICATE-TYPE;
     *   char SERVER-VERSION-MSB/LSB; char CERTIFICATE-LENGTH-MSB/LSB; char CIPHER-SPECS-LENGTH-MSB/LSB;
     *   char CONNECTION-ID-LENGTH-MSB/LSB; char CERTIFICATE-DATA[..]; char CIPHER-SPECS-DATA[..];
     *   char CONNECTION-ID-DATA[..]
     * ERROR: char MSG-ERROR (0); char ERROR-CODE-MSB; char ERROR-CODE-LSB
     * </pre>
     *
     * @param threeByte the header has 3 bytes ({@link #paddedHelloStart}); else 2 (high bit set)
     */
    static int hello(byte[] b, int off, int len, boolean threeByte, RecordProbe.Header h) {
        if (len < 2) {
            return NEED_MORE;
        }
        int body = threeByte ? ((b[off] & 0x3f) << 8) | (b[off + 1] & 0xff) : ((b[off] & 0x7f) << 8) | (b[off + 1] & 0xff);
        int headerLength = threeByte ? 3 : 2;
        int padding = 0;
        if (threeByte) {
            if (body < 3) {
                return RecordProbe.notTls(h, "SSLv2 record shorter than any hello");
            }
            if (len < 3) {
                return NEED_MORE;
            }
            padding = b[off + 2] & 0xff;
            if (padding >= body) {
                return RecordProbe.notTls(h, "SSLv2 padding not shorter than the record");
            }
        }
        if (len < headerLength + 1) {
            return NEED_MORE;
        }
        int message = body - padding;
        int type = b[off + headerLength] & 0xff;
        int p = off + headerLength + 1;
        int have = len - headerLength - 1;
        switch (type) {
            case 1 -> {
                // version
                if (have >= 1 && (b[p] & 0xff) != 0 && (b[p] & 0xff) != 3) {
                    return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO version");
                }
                if (have >= 2) {
                    int v = u16(b, p);
                    if (v != 0x0002 && (v < 0x0300 || v > 0x0304)) {
                        return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO version");
                    }
                }
                if (have < 8) {
                    return NEED_MORE;
                }
                int specs = u16(b, p + 2);
                int sid = u16(b, p + 4);
                int challenge = u16(b, p + 6);
                if (specs == 0 || specs % 3 != 0) {
                    return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO cipher-specs length");
                }
                if (sid > 32) {
                    return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO session-id length");
                }
                if (challenge < 16 || challenge > 32) {
                    return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO challenge length");
                }
                if (message != 9 + specs + sid + challenge) {
                    return RecordProbe.notTls(h, "SSLv2 CLIENT-HELLO lengths do not add up");
                }
            }
            case 4 -> {
                if (have >= 1 && (b[p] & 0xff) > 1) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO session-id-hit");
                }
                if (have >= 2 && (b[p + 1] & 0xff) > 1) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO certificate type");
                }
                if (have >= 3 && (b[p + 2] & 0xff) != 0) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO version");
                }
                if (have >= 4 && (b[p + 3] & 0xff) != 2) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO version");
                }
                if (have < 10) {
                    return NEED_MORE;
                }
                int cert = u16(b, p + 4);
                int specs = u16(b, p + 6);
                int cid = u16(b, p + 8);
                if (specs % 3 != 0) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO cipher-specs length");
                }
                if (cid < 16 || cid > 32) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO connection-id length");
                }
                if (message != 11 + cert + specs + cid) {
                    return RecordProbe.notTls(h, "SSLv2 SERVER-HELLO lengths do not add up");
                }
            }
            case 0 -> {
                if (message != 3) {
                    return RecordProbe.notTls(h, "SSLv2 ERROR length");
                }
                if (have >= 1 && (b[p] & 0xff) != 0) {
                    return RecordProbe.notTls(h, "SSLv2 ERROR code");
                }
                if (have < 2) {
                    return NEED_MORE;
                }
                int code = b[p + 1] & 0xff;
                if (code != 1 && code != 2 && code != 4 && code != 6) {
                    return RecordProbe.notTls(h, "SSLv2 ERROR code");
                }
            }
            default -> {
                return RecordProbe.notTls(h, "SSLv2 message type not CLIENT-HELLO, SERVER-HELLO or ERROR");
            }
        }
        return record(h, headerLength, body, padding);
    }

    /** After SSLv2 records: a TLS record (content type 20-24, major 3) or any SSLv2 header. */
    static int next(byte[] b, int off, int len, int maxBody, RecordProbe.Header h) {
        int b0 = b[off] & 0xff;
        if (b0 >= 20 && b0 <= 24) {
            if (len < 2) {
                return NEED_MORE;
            }
            if ((b[off + 1] & 0xff) == 3) {
                return RecordProbe.tlsHeader(b, off, len, false, maxBody, -1, h);
            }
        }
        boolean two = (b0 & 0x80) != 0;
        int headerLength = two ? 2 : 3;
        if (len < headerLength) {
            return NEED_MORE;
        }
        int body = two ? ((b0 & 0x7f) << 8) | (b[off + 1] & 0xff) : ((b0 & 0x3f) << 8) | (b[off + 1] & 0xff);
        if (body == 0) {
            return RecordProbe.notTls(h, "empty SSLv2 record");
        }
        int padding = two ? 0 : b[off + 2] & 0xff;
        if (padding >= body) {
            return RecordProbe.notTls(h, "SSLv2 padding not shorter than the record");
        }
        return record(h, headerLength, body, padding);
    }

    private static int record(RecordProbe.Header h, int headerLength, int body, int padding) {
        h.contentType = -1;
        h.version = 0x0002;
        h.headerLength = headerLength;
        h.bodyLength = body;
        h.padding = padding;
        h.sslv2 = true;
        return OK;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }
}
