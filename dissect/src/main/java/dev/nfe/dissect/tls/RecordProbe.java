package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.AlertNames;

/**
 * Side-effect-free probe of the bytes at one position of a stream: is a record header there, do
 * we need more bytes to tell, or is it not SSL/TLS at all? (Netty's
 * {@code SslUtils.getEncryptedPacketLength}, with a small result type instead of magic numbers.)
 *
 * <p>The probe decides as early as the bytes allow and only from the bytes it is given: it answers
 * {@link NeedMore} only while every byte present is consistent with what {@link Expect} allows, so
 * the same stream gives the same answer at the same byte however it is cut into pieces. It never
 * needs more than {@link #MAX_PROBE_BYTES} bytes to decide.
 *
 * <pre>
 * RFC 5246 section 6.2.1 / RFC 8446 section 5.1 (SSLv3 and TLS record header):
 *   struct {
 *       ContentType type;              // 20 change_cipher_spec, 21 alert, 22 handshake,
 *                                      // 23 application_data, 24 heartbeat (RFC 6520)
 *       ProtocolVersion version;       // {3, 0..4}; TLS 1.3 (and its drafts) write 0x0301/0x0303
 *       uint16 length;                 // <= 2^14 + 2048 (TLS 1.2 ciphertext)
 *       opaque fragment[TLSPlaintext.length];
 *   } TLSPlaintext;
 *
 * draft-hickman-netscape-ssl-00 "SSL Record Header" (SSLv2):
 *   2-byte header: byte[0] high bit set,   length = ((byte[0] &amp; 0x7f) &lt;&lt; 8) | byte[1]       (no padding)
 *   3-byte header: byte[0] high bit clear, length = ((byte[0] &amp; 0x3f) &lt;&lt; 8) | byte[1], byte[2] = padding
 * </pre>
 *
 * <p>The decoder's hot path uses {@link #probeInto}, which fills a reused {@link Header} instead of
 * allocating a result; {@link #probe} is the same check with an immutable answer.
 */
public final class RecordProbe {

    /** The most bytes any {@link Expect} needs to decide (3-byte SSLv2 header + SERVER-HELLO fixed part). */
    public static final int MAX_PROBE_BYTES = 16;

    /** What the caller expects at this position. */
    public enum Expect {
        /**
         * The first bytes of a direction: an SSLv3/TLS record header (content type 20-24, version
         * 0x0300-0x0304, body 1..max), or an SSLv2 record (2-byte header, or 3-byte header with
         * padding) holding a CLIENT-HELLO (version 0x0002 or 0x03xx), a SERVER-HELLO or an ERROR,
         * with lengths that add up.
         */
        STREAM_START,
        /** The next record of an SSLv3/TLS stream: any content type, version 0x0300-0x03ff, body 0..max. */
        TLS_NEXT,
        /** The next record after SSLv2 records: an SSLv3/TLS record header or any SSLv2 header. */
        SSLV2_NEXT,
        /**
         * Resynchronisation after a gap: a strict SSLv3/TLS record header (content type 20-24,
         * version 0x0300-0x0304 or exactly the version given, body 1..max).
         */
        RESYNC,
        /**
         * TLS after a plaintext prefix (STARTTLS): a handshake record whose first message starts a
         * ClientHello or ServerHello (type, length and hello version consistent), a plaintext alert
         * record (length 2, level 1 or 2, a registered description), or an SSLv2 CLIENT-HELLO.
         */
        UPGRADE
    }

    /** The answer of {@link #probe}. */
    public sealed interface Result permits Record, NeedMore, NotTls {
    }

    /**
     * A record header. For SSLv2, {@code contentType} is -1 and {@code version} is 0x0002.
     *
     * @param headerLength 5 for SSLv3/TLS, 2 or 3 for SSLv2
     * @param bodyLength   bytes after the header (SSLv2: including padding)
     */
    public record Record(int contentType, int version, int headerLength, int bodyLength, boolean sslv2)
            implements Result {
        public int totalLength() {
            return headerLength + bodyLength;
        }
    }

    /** Every byte present is consistent with a record start, but there are too few to decide. */
    public record NeedMore() implements Result {
        static final NeedMore INSTANCE = new NeedMore();
    }

    /** Not a record start of the expected kind; {@code reason} says which check failed. */
    public record NotTls(String reason) implements Result {
    }

    /** Mutable probe answer for the allocation-free path. */
    static final class Header {
        int contentType;
        int version;
        int headerLength;
        /** bytes after the header (SSLv2: including the padding) */
        int bodyLength;
        /** SSLv2 3-byte header: padding bytes at the end of the body; else 0 */
        int padding;
        boolean sslv2;
        /** check that failed (a constant string: no building) */
        String reason;
    }

    /** {@link NotTls#reason()} of a record whose length is above the maximum. */
    public static final String RECORD_OVERFLOW = "record_overflow";
    /** {@link NotTls#reason()} of an empty record where one is not allowed. */
    public static final String EMPTY_RECORD = "empty record";

    static final int OK = 0;
    static final int NEED_MORE = 1;
    static final int NOT_TLS = 2;

    private RecordProbe() {
    }

    /**
     * Probes {@code len} bytes at {@code off}.
     *
     * @param maxBody      largest SSLv3/TLS record body accepted (longer is {@code record_overflow})
     * @param knownVersion for {@link Expect#RESYNC}: the record version this direction uses, or -1
     */
    public static Result probe(byte[] b, int off, int len, Expect expect, int maxBody, int knownVersion) {
        Header h = new Header();
        return switch (probeInto(b, off, len, expect, maxBody, knownVersion, h)) {
            case OK -> new Record(h.contentType, h.version, h.headerLength, h.bodyLength, h.sslv2);
            case NEED_MORE -> NeedMore.INSTANCE;
            default -> new NotTls(h.reason);
        };
    }

    /** {@link #probe} without a known version. */
    public static Result probe(byte[] b, int off, int len, Expect expect, int maxBody) {
        return probe(b, off, len, expect, maxBody, -1);
    }

    /** Same as {@link #probe}; fills {@code h} and returns {@link #OK}, {@link #NEED_MORE} or {@link #NOT_TLS}. */
    static int probeInto(byte[] b, int off, int len, Expect expect, int maxBody, int knownVersion, Header h) {
        if (len <= 0) {
            return NEED_MORE;
        }
        return switch (expect) {
            case STREAM_START -> streamStart(b, off, len, maxBody, h);
            case TLS_NEXT -> tlsHeader(b, off, len, false, maxBody, -1, h);
            case SSLV2_NEXT -> Sslv2Probe.next(b, off, len, maxBody, h);
            case RESYNC -> tlsHeader(b, off, len, true, maxBody, knownVersion, h);
            case UPGRADE -> upgrade(b, off, len, maxBody, h);
        };
    }

    /**
     * The first record of a direction. A first byte with the high bit set is a 2-byte SSLv2 header;
     * 20-24 is an SSLv3/TLS header; any other first byte below 0x20 may be a 3-byte SSLv2 header (the
     * padding form, see {@link Sslv2Probe#paddedHelloStart}), which a CLIENT-HELLO, SERVER-HELLO or
     * ERROR with lengths that add up must follow. So every printable first byte is decided at once,
     * and a padded hello of 5 KB to 6.5 KB (first byte 20-24) is not recognised.
     */
    private static int streamStart(byte[] b, int off, int len, int maxBody, Header h) {
        int b0 = b[off] & 0xff;
        if ((b0 & 0x80) != 0) {
            return Sslv2Probe.hello(b, off, len, false, h);
        }
        if ((b0 < 20 || b0 > 24) && Sslv2Probe.paddedHelloStart(b0)) {
            return Sslv2Probe.hello(b, off, len, true, h);
        }
        return tlsHeader(b, off, len, true, maxBody, -1, h);
    }

    /**
     * SSLv3/TLS record header, progressively: each byte is checked as soon as it is there.
     * <pre>
     * RFC 8446 section 5.1 (RFC 5246 section 6.2.1, RFC 6101 section 5.2.1):
     *   enum { invalid(0), change_cipher_spec(20), alert(21), handshake(22),
     *          application_data(23), heartbeat(24) (RFC 6520), (255) } ContentType;
     *   struct {
     *       ContentType type;
     *       ProtocolVersion legacy_record_version;   // 0x0300..0x0304; TLS 1.3 writes 0x0301/0x0303
     *       uint16 length;                           // 2^14 (+256 TLS 1.3, +2048 TLS 1.2 ciphertext)
     *       opaque fragment[TLSPlaintext.length];
     *   } TLSPlaintext;
     * </pre>
     * {@code strict}: content type 20-24, minor version 0-4, length at least 1 (the start of a
     * direction, resynchronisation); otherwise any type and minor version and an empty record are
     * accepted (a record in the middle of a stream; the decoder reports odd types as anomalies).
     */
    static int tlsHeader(byte[] b, int off, int len, boolean strict, int maxBody, int knownVersion, Header h) {
        int ct = b[off] & 0xff;
        if (strict && (ct < 20 || ct > 24)) {
            return notTls(h, "content type not 20-24");
        }
        if (len < 2) {
            return NEED_MORE;
        }
        if ((b[off + 1] & 0xff) != 3) {
            return notTls(h, "record version major not 3");
        }
        if (len < 3) {
            return NEED_MORE;
        }
        int minor = b[off + 2] & 0xff;
        if (knownVersion >= 0 && minor != (knownVersion & 0xff)) {
            return notTls(h, "record version differs from the stream's");
        }
        if (strict && minor > 4) {
            return notTls(h, "record version minor above 4");
        }
        if (len < 5) {
            return NEED_MORE;
        }
        int length = ((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff);
        if (length > maxBody) {
            return notTls(h, RECORD_OVERFLOW);
        }
        if (strict && length == 0) {
            return notTls(h, EMPTY_RECORD);
        }
        h.contentType = ct;
        h.version = 0x0300 | minor;
        h.headerLength = 5;
        h.bodyLength = length;
        h.padding = 0;
        h.sslv2 = false;
        return OK;
    }

    /**
     * STARTTLS: a strict TLS start. For a handshake record this checks the record header, the first
     * handshake message header and the hello's version (11 bytes):
     * <pre>
     *   16 03 0x LL LL | 01|02 LL LL LL | vv vv
     * </pre>
     * the message must fit the record unless the record is a full fragment (>= 512 bytes, the
     * smallest max_fragment_length), i.e. a hello that spans records.
     */
    private static int upgrade(byte[] b, int off, int len, int maxBody, Header h) {
        int b0 = b[off] & 0xff;
        if ((b0 & 0x80) != 0) {
            if (len >= 3 && (b[off + 2] & 0xff) != 1) {
                return notTls(h, "SSLv2 message is not a CLIENT-HELLO");
            }
            return Sslv2Probe.hello(b, off, len, false, h);
        }
        if (b0 != 22 && b0 != 21) {
            return notTls(h, "not a handshake or alert record");
        }
        int r = tlsHeader(b, off, len, true, maxBody, -1, h);
        if (r == NOT_TLS) {
            return r;
        }
        if (b0 == 21) {
            if (len >= 5 && (((b[off + 3] & 0xff) << 8) | (b[off + 4] & 0xff)) != 2) {
                return notTls(h, "alert record length not 2");
            }
            if (len >= 6 && (b[off + 5] & 0xff) != 1 && (b[off + 5] & 0xff) != 2) {
                return notTls(h, "alert level");
            }
            if (len < 7) {
                return NEED_MORE;
            }
            if (AlertNames.name(b[off + 6] & 0xff) == null) {
                return notTls(h, "alert description not registered");
            }
            return tlsHeader(b, off, len, true, maxBody, -1, h);
        }
        // checks in byte order, each as soon as its bytes are there: which check fails first (the
        // reason) must not depend on how many bytes the caller had
        if (len >= 5) {
            int recordLength = u16(b, off + 3);
            if (recordLength < 4 + 38) {
                return notTls(h, "handshake record too short for a hello");
            }
            if (len >= 6 && (b[off + 5] & 0xff) != 1 && (b[off + 5] & 0xff) != 2) {
                return notTls(h, "first handshake message is not a ClientHello or ServerHello");
            }
            if (len >= 9) {
                int msgLength = ((b[off + 6] & 0xff) << 16) | u16(b, off + 7);
                if (msgLength < 38) {
                    return notTls(h, "hello too short");
                }
                if (msgLength + 4 > recordLength && recordLength < 512) {
                    return notTls(h, "hello longer than its record");
                }
            }
        }
        if (len >= 10) {
            int major = b[off + 9] & 0xff;
            if (major != 3 && major != 0x7f) {
                return notTls(h, "hello version");
            }
        }
        if (len < 11) {
            return NEED_MORE;
        }
        return tlsHeader(b, off, len, true, maxBody, -1, h);
    }

    /**
     * How many of the bytes {@code b} the probe needs to answer: the shortest prefix whose answer is
     * not "need more" (all of them when it needs more). A report quotes these bytes, so that it does
     * not depend on how many bytes the caller happened to have.
     */
    static int decidingLength(byte[] b, Expect expect, int maxBody) {
        Header h = new Header();
        for (int k = 1; k < b.length; k++) {
            if (probeInto(b, 0, k, expect, maxBody, -1, h) != NEED_MORE) {
                return k;
            }
        }
        return b.length;
    }

    private static int u16(byte[] b, int p) {
        return ((b[p] & 0xff) << 8) | (b[p + 1] & 0xff);
    }

    static int notTls(Header h, String reason) {
        h.reason = reason;
        return NOT_TLS;
    }
}
