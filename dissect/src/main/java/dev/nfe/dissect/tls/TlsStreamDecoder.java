package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.Alert;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Decodes one direction of a TCP stream as SSL/TLS: record layer, handshake layer and the
 * messages the forensics need, pushing {@link TlsEvents} as units complete.
 *
 * <p>Contract (the reassembler keeps it): bytes arrive in stream order, exactly once, through
 * {@link #feed}; bytes that will never arrive are announced with {@link #gap}. Each feed carries
 * the frame number and timestamp of the TCP segment that delivered (or completed) those bytes.
 *
 * <h2>Record layer</h2>
 * Nothing is consumed until a whole record is there ({@link RecordProbe} answers "record",
 * "need more" or "not TLS"; at most {@link RecordProbe#MAX_PROBE_BYTES} bytes of an undecided
 * header are kept). Handshake, alert and ChangeCipherSpec records (and the plaintext SSLv2
 * messages) are buffered whole (at most {@link TlsLimits#maxRecordBytes}; a record that fits one
 * feed is read in place without copying). Application data, heartbeat and encrypted SSLv2 bodies
 * are skipped by counting, so a long stream costs no copies and no allocation per record.
 *
 * <h2>Which frame an event carries</h2>
 * The frame/timestamp of the feed whose bytes completed the record that completes the unit: a
 * handshake message (hello, certificate, ...) carries the frame of the record holding its last
 * byte; {@code plaintext}, {@code startTls} and {@code violation} carry the frame of the feed in
 * which the decision became possible (the byte that broke, or confirmed, the record pattern).
 *
 * <h2>Protection (per direction)</h2>
 * After this direction's ChangeCipherSpec its handshake records are encrypted (Finished) and are
 * reported as {@code encryptedRecord(22, ..)}; two TLS 1.3 middlebox-compatibility exceptions
 * (RFC 8446 appendix D.4): a CCS after this direction's HelloRetryRequest protects nothing, and
 * after a CCS from a client that offered TLS 1.3 a record that holds a ClientHello (its type,
 * length and version add up) is still read in clear. After a ServerHello that selects TLS 1.3
 * (not an HRR) every later handshake record of this direction is protected.
 *
 * <p>Alerts: a record of length 2 is a plaintext alert, any other length is encrypted. That is
 * tshark's rule (packet-tls.c: "Assume that TLS alert records are not fragmented. Any larger
 * message is assumed to be encrypted") and it agrees with the state rule above on every alert of
 * the corpus (see the test fixtures' alert_rule_evidence.py): a protected alert always carries a
 * MAC or AEAD tag, so it is never 2 bytes long.
 *
 * <h2>Plaintext and STARTTLS</h2>
 * When the first bytes of the direction are not an SSLv3/TLS record header or an SSLv2 hello,
 * {@code plaintext} is reported once (with up to 16 first bytes) and the mode becomes
 * {@link Mode#PLAINTEXT}. From then on TLS is looked for, strictly ({@link RecordProbe.Expect#UPGRADE}:
 * a handshake record starting a ClientHello or ServerHello, a 2-byte plaintext alert with a
 * registered description, or an SSLv2 CLIENT-HELLO), at the start of every later feed and right
 * after every plaintext message end (line end, MySQL packet, LDAP message, PostgreSQL SSLRequest
 * or 'S' answer, XMPP tag); when found, {@code startTls} names the plaintext
 * protocol ({@link PlaintextProtocols}) and TLS decoding starts there. At most
 * {@link TlsLimits#maxPlaintextScan} plaintext bytes are looked at (then anomaly
 * {@code plaintext_scan_limit} and {@link #wantsBytes()} turns false).
 *
 * <h2>Gaps</h2>
 * {@link #gap} inside an application-data body only shortens it (the framing survives). Otherwise
 * the framing is lost: at the start of each later feed the decoder probes strictly for a record
 * header ({@link RecordProbe.Expect#RESYNC}) and resumes there; handshake parsing resumes at the
 * first handshake record that starts with a whole message of a known type. After
 * {@link TlsLimits#maxPlaintextScan} bytes without a header it gives up quietly. A reassembler
 * that picks a flow up mid-stream (no SYN) should call {@code gap(1, ..)} before the first feed:
 * the direction then never reports {@code plaintext} for bytes that are only the tail of a record.
 *
 * <h2>Failures</h2>
 * A violation is reported once; the mode becomes {@link Mode#BROKEN} and nothing more is parsed.
 * Violations: a bad record header after the first record (reason {@code bad_record_header: ..}),
 * a first record whose type and version are right but whose length is 0 or above the maximum,
 * a hello whose fixed part is malformed ({@code malformed_client_hello: ..},
 * {@code malformed_server_hello: ..}, {@code malformed_sslv2_..}), a hello longer than
 * {@link TlsLimits#maxHandshakeMessage} ({@code handshake_message_too_large: ..}). A hello whose
 * extension block does not add up is kept with the extensions before the error (anomaly
 * {@code malformed_extensions}); another handshake message over the cap is skipped by counting
 * (anomaly {@code handshake_message_too_large}, then {@code handshakeMessage} at its end).
 * Anomalies are reported once per name and direction: gap, unknown_content_type,
 * unknown_handshake_type, empty_record, list_capped, certificate_chain_capped,
 * certificate_unparseable, malformed_certificate_message, malformed_extension(s),
 * malformed_change_cipher_spec, malformed_heartbeat, heartbeat_overread, trailing_bytes,
 * incomplete_handshake_message, handshake_message_too_large, plaintext_scan_limit.
 */
public final class TlsStreamDecoder {

    /** What this direction turned out to carry so far. */
    public enum Mode {
        /** no record seen yet (no byte, too few bytes to decide, or only bytes after a gap) */
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

    /** The content type {@link TlsEvents#encryptedRecord} reports for an SSLv2 record. */
    public static final int SSLV2_RECORD = -1;

    /** What the next bytes are for. */
    private enum Phase {
        /** a record header (or, before the first record, the decision TLS or not) */
        HEADER,
        /** collecting a record body that will be parsed */
        BUFFER_BODY,
        /** counting over a record body that will not be parsed */
        SKIP_BODY,
        /** in a plaintext prefix, looking for TLS */
        PLAINTEXT,
        /** after a gap that lost the record framing: looking for a record header at segment starts */
        RESYNC,
        /** nothing more to learn from this direction */
        DONE
    }

    private static final Alert ENCRYPTED_ALERT = Alert.encryptedAlert();
    private static final int MAX_PROBE = RecordProbe.MAX_PROBE_BYTES;

    private final TlsContext context;
    private final TlsEvents events;
    private final TlsLimits limits;
    private final int maxBody;
    private final RecordProbe.Header header = new RecordProbe.Header();
    private final Handshakes handshakes = new Handshakes();
    private final HandshakeReassembler reassembler;

    private Mode mode = Mode.UNKNOWN;
    private Phase phase = Phase.HEADER;
    /** a record of this TLS run was accepted (false before the first one, and again after STARTTLS) */
    private boolean started;

    // the current feed
    private long frame;
    private long ts;
    private long feeds;

    // bytes of an undecided record header (or TLS start) carried over from earlier feeds
    private final byte[] pending = new byte[MAX_PROBE];
    private int pendingLength;
    private long pendingFirstFeed;

    // the current record
    private long records;
    private int recordType;
    private int recordVersion;
    private int recordLength;
    private boolean recordSslv2;
    private long recordFirstFeed;
    private byte[] recordBuffer = new byte[0];
    private int recordHave;
    private int skipRemaining;
    private final byte[] skipHead = new byte[3];
    private int skipHeadLength;
    private boolean recordDamaged;

    // protection state of this direction
    private boolean ccsProtects;
    private boolean ccsMaybeCompat;
    private boolean tls13Protected;
    private boolean sentHelloRetryRequest;
    private boolean sentClientHello;
    private boolean offeredTls13;
    private boolean handshakeLost;
    private int sslv2Records;
    private int lastRecordVersion = -1;

    // plaintext / resync
    private PlaintextScanner scanner;
    private boolean candidateNext;
    private long resyncSkipped;

    private Set<String> anomalies;

    public TlsStreamDecoder(TlsContext context, TlsEvents events) {
        this.context = Objects.requireNonNull(context, "context");
        this.events = Objects.requireNonNull(events, "events");
        this.limits = context.limits();
        this.maxBody = limits.maxRecordBytes() - 5;
        this.reassembler = new HandshakeReassembler(limits.maxHandshakeMessage(), handshakes);
    }

    /** Consumes {@code len} in-order bytes of {@code buf} from {@code off}. The array is not kept. */
    public void feed(byte[] buf, int off, int len, long frame, long tsNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0 || phase == Phase.DONE) {
            return;
        }
        this.frame = frame;
        this.ts = tsNanos;
        feeds++;
        int pos = off;
        int end = off + len;
        while (pos < end && phase != Phase.DONE) {
            switch (phase) {
                case HEADER -> pos = header(buf, pos, end);
                case BUFFER_BODY -> pos = bufferBody(buf, pos, end);
                case SKIP_BODY -> pos = skipBody(buf, pos, end);
                case PLAINTEXT -> pos = plaintext(buf, pos, end, pos == off);
                case RESYNC -> pos = resync(buf, pos, end, pos == off);
                default -> pos = end;
            }
        }
    }

    /**
     * {@code bytes} of the stream were never captured; framing after this point is uncertain. Use
     * any positive count when the size is unknown (e.g. a flow picked up mid-stream).
     */
    public void gap(long bytes, long frame, long tsNanos) {
        if (bytes <= 0 || phase == Phase.DONE) {
            return;
        }
        this.frame = frame;
        this.ts = tsNanos;
        anomaly("gap");
        switch (phase) {
            case SKIP_BODY -> {
                if (bytes <= skipRemaining) {
                    // the hole is inside a body we only count over: the framing survives
                    skipRemaining -= (int) bytes;
                    if (skipHeadLength < skipHead.length) {
                        skipHeadLength = skipHead.length + 1; // the heartbeat head is lost
                    }
                    if (skipRemaining == 0) {
                        completeSkipped();
                    }
                    return;
                }
            }
            case BUFFER_BODY -> {
                if (bytes <= recordLength - recordHave) {
                    // the record is damaged but its end is known: skip to the next header
                    recordDamaged = true;
                    skipRemaining = recordLength - recordHave - (int) bytes;
                    phase = Phase.SKIP_BODY;
                    if (recordType == 22 && !recordSslv2) {
                        handshakeLost = true;
                        reassembler.reset();
                    }
                    if (skipRemaining == 0) {
                        completeSkipped();
                    }
                    return;
                }
            }
            case PLAINTEXT -> {
                pendingLength = 0;
                candidateNext = false;
                scanner.gap(bytes);
                if (scanner.exhausted()) {
                    anomaly("plaintext_scan_limit");
                    phase = Phase.DONE;
                }
                return;
            }
            case RESYNC -> {
                pendingLength = 0;
                resyncSkipped += bytes;
                if (resyncSkipped > limits.maxPlaintextScan()) {
                    phase = Phase.DONE;
                }
                return;
            }
            default -> {
            }
        }
        // the record framing is lost
        pendingLength = 0;
        recordDamaged = false;
        reassembler.reset();
        handshakeLost = true;
        resyncSkipped = 0;
        phase = Phase.RESYNC;
    }

    /** False once nothing more can be learned from this direction's bytes (after a violation). */
    public boolean wantsBytes() {
        return phase != Phase.DONE;
    }

    public Mode mode() {
        return mode;
    }

    // ------------------------------------------------------------------------------ record layer

    private RecordProbe.Expect expectation() {
        if (!started) {
            return RecordProbe.Expect.STREAM_START;
        }
        return mode == Mode.SSLV2 ? RecordProbe.Expect.SSLV2_NEXT : RecordProbe.Expect.TLS_NEXT;
    }

    /** A record header (or the first bytes of the direction). */
    private int header(byte[] b, int pos, int end) {
        RecordProbe.Expect expect = expectation();
        if (pendingLength == 0) {
            int status = RecordProbe.probeInto(b, pos, end - pos, expect, maxBody, -1, header);
            if (status == RecordProbe.NEED_MORE) {
                keepPending(b, pos, end);
                return end;
            }
            if (status == RecordProbe.NOT_TLS) {
                return notARecord(b, pos, end, 0);
            }
            recordFirstFeed = feeds;
            int bodyStart = pos + header.headerLength;
            beginRecord();
            return bodyStart;
        }
        int old = pendingLength;
        int take = Math.min(MAX_PROBE - old, end - pos);
        System.arraycopy(b, pos, pending, old, take);
        int status = RecordProbe.probeInto(pending, 0, old + take, expect, maxBody, -1, header);
        if (status == RecordProbe.NEED_MORE) {
            pendingLength = old + take;
            return pos + take;
        }
        if (status == RecordProbe.NOT_TLS) {
            return notARecord(b, pos, end, old);
        }
        pendingLength = 0;
        recordFirstFeed = pendingFirstFeed;
        int headerLength = header.headerLength;
        beginRecord();
        if (old > headerLength) {
            // the probe needed body bytes that arrived with an earlier feed
            bodyBytes(pending, headerLength, old - headerLength);
            return pos;
        }
        return pos + (headerLength - old);
    }

    private void keepPending(byte[] b, int pos, int end) {
        int n = end - pos;
        System.arraycopy(b, pos, pending, 0, n);
        pendingLength = n;
        pendingFirstFeed = feeds;
    }

    /** The probe said "not a record": plaintext at the start of a direction, a violation later. */
    private int notARecord(byte[] b, int pos, int end, int pendingOld) {
        // a first record whose type and version are right but whose length is not is broken TLS, not plaintext
        boolean tlsShaped = header.reason == RecordProbe.RECORD_OVERFLOW || header.reason == RecordProbe.EMPTY_RECORD;
        if (started || mode == Mode.PLAINTEXT || tlsShaped) {
            byte[] first = new byte[Math.min(5, pendingOld + (end - pos))];
            int n = Math.min(pendingOld, first.length);
            System.arraycopy(pending, 0, first, 0, n);
            System.arraycopy(b, pos, first, n, first.length - n);
            pendingLength = 0;
            violation("bad_record_header: " + header.reason + " (" + hex(first) + ")");
            return end;
        }
        byte[] first = new byte[Math.min(16, pendingOld + (end - pos))];
        int n = Math.min(pendingOld, first.length);
        System.arraycopy(pending, 0, first, 0, n);
        System.arraycopy(b, pos, first, n, first.length - n);
        mode = Mode.PLAINTEXT;
        phase = Phase.PLAINTEXT;
        scanner = new PlaintextScanner(limits.maxPlaintextScan());
        events.plaintext(first, frame, ts);
        if (pendingOld > 0) {
            pendingLength = 0;
            scanAll(pending, 0, pendingOld);
        }
        return pos;
    }

    /** Starts the body of the record whose header is in {@link #header}. */
    private void beginRecord() {
        records++;
        recordType = header.contentType;
        recordVersion = header.version;
        recordLength = header.bodyLength;
        recordSslv2 = header.sslv2;
        recordHave = 0;
        recordDamaged = false;
        if (!started) {
            started = true;
            mode = recordSslv2 ? Mode.SSLV2 : Mode.TLS;
        } else if (!recordSslv2 && mode == Mode.SSLV2) {
            mode = Mode.TLS;
        }
        if (!recordSslv2) {
            lastRecordVersion = recordVersion;
        }
        if (buffered()) {
            phase = Phase.BUFFER_BODY;
            if (recordLength == 0) {
                completeRecord(recordBuffer, 0, 0);
            }
        } else {
            phase = Phase.SKIP_BODY;
            skipRemaining = recordLength;
            // only a heartbeat's first bytes are read (type, payload_length)
            skipHeadLength = recordType == 24 && !recordSslv2 ? 0 : skipHead.length;
            if (recordLength == 0) {
                completeSkipped();
            }
        }
    }

    /** Whether the current record's body is parsed (kept whole) or only counted. */
    private boolean buffered() {
        if (recordSslv2) {
            if (recordLength > maxBody) {
                return false;
            }
            return sslv2Records == 0 || (sslv2Records == 1 && sentClientHello) || recordLength == 3;
        }
        return recordType == 20 || recordType == 21 || recordType == 22;
    }

    private void bodyBytes(byte[] b, int off, int len) {
        if (phase == Phase.BUFFER_BODY) {
            bufferBody(b, off, off + len);
        } else if (phase == Phase.SKIP_BODY) {
            skipBody(b, off, off + len);
        }
    }

    private int bufferBody(byte[] b, int pos, int end) {
        int need = recordLength - recordHave;
        if (recordHave == 0 && end - pos >= need) {
            completeRecord(b, pos, need);
            return pos + need;
        }
        if (recordBuffer.length < recordLength) {
            recordBuffer = new byte[Math.max(recordLength, Math.min(maxBody, 2 * recordBuffer.length))];
        }
        int n = Math.min(need, end - pos);
        System.arraycopy(b, pos, recordBuffer, recordHave, n);
        recordHave += n;
        if (recordHave == recordLength) {
            completeRecord(recordBuffer, 0, recordLength);
        }
        return pos + n;
    }

    private int skipBody(byte[] b, int pos, int end) {
        int n = Math.min(skipRemaining, end - pos);
        for (int i = 0; i < n && skipHeadLength < skipHead.length; i++) {
            skipHead[skipHeadLength++] = b[pos + i];
        }
        skipRemaining -= n;
        if (skipRemaining == 0) {
            completeSkipped();
        }
        return pos + n;
    }

    /** A buffered record is complete: parse it. */
    private void completeRecord(byte[] b, int off, int len) {
        phase = Phase.HEADER;
        if (recordSslv2) {
            sslv2Record(b, off, len);
            sslv2Records++;
        } else {
            switch (recordType) {
                case 22 -> handshakeRecord(b, off, len);
                case 21 -> alertRecord(b, off, len);
                case 20 -> changeCipherSpecRecord(b, off, len);
                default -> anomaly("unknown_content_type");
            }
        }
        if (mode == Mode.BROKEN) {
            phase = Phase.DONE;
        }
    }

    /** A record we only counted over is complete. */
    private void completeSkipped() {
        phase = Phase.HEADER;
        if (recordDamaged) {
            recordDamaged = false;
            return;
        }
        if (recordSslv2) {
            events.encryptedRecord(SSLV2_RECORD, recordLength, frame, ts);
            sslv2Records++;
            return;
        }
        switch (recordType) {
            case 23 -> events.encryptedRecord(23, recordLength, frame, ts);
            case 24 -> heartbeatRecord();
            default -> anomaly("unknown_content_type");
        }
    }

    // ------------------------------------------------------------------------------ record types

    private void handshakeRecord(byte[] b, int off, int len) {
        if (len == 0) {
            anomaly("empty_record");
            return;
        }
        if (handshakeProtected(b, off, len)) {
            events.encryptedRecord(22, len, frame, ts);
            return;
        }
        if (handshakeLost) {
            // after a gap, parse again from a record that starts with a whole message of a known type
            if (!startsWholeMessage(b, off, len)) {
                return;
            }
            handshakeLost = false;
        }
        reassembler.push(b, off, len, records, recordFirstFeed, recordVersion);
    }

    private boolean handshakeProtected(byte[] b, int off, int len) {
        if (tls13Protected || ccsProtects) {
            return true;
        }
        if (ccsMaybeCompat) {
            return !(reassembler.partial() || looksLikeClientHello(b, off, len));
        }
        return false;
    }

    private static boolean startsWholeMessage(byte[] b, int off, int len) {
        if (len < 4 || !knownHandshakeType(b[off] & 0xff)) {
            return false;
        }
        int length = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        return length + 4 <= len;
    }

    /** A record body that starts with a ClientHello whose type, length and version add up. */
    private static boolean looksLikeClientHello(byte[] b, int off, int len) {
        if (len < 4 + 38 || (b[off] & 0xff) != 1) {
            return false;
        }
        int length = ((b[off + 1] & 0xff) << 16) | ((b[off + 2] & 0xff) << 8) | (b[off + 3] & 0xff);
        boolean fits = length + 4 <= len || len >= 512;
        return fits && length >= 38 && (b[off + 4] & 0xff) == 3 && (b[off + 5] & 0xff) <= 4;
    }

    /**
     * RFC 8446 section 6 / RFC 5246 section 7.2:
     * <pre>
     *   enum { warning(1), fatal(2), (255) } AlertLevel;
     *   struct {
     *       AlertLevel level;
     *       AlertDescription description;
     *   } Alert;
     * </pre>
     * Length 2: plaintext; any other length: encrypted (tshark's rule, see the class comment).
     */
    private void alertRecord(byte[] b, int off, int len) {
        if (len == 0) {
            anomaly("empty_record");
            return;
        }
        if (len != 2) {
            events.alert(ENCRYPTED_ALERT, frame, ts);
            return;
        }
        events.alert(new Alert(false, b[off] & 0xff, b[off + 1] & 0xff), frame, ts);
    }

    /**
     * RFC 5246 section 7.1: {@code struct { enum { change_cipher_spec(1), (255) } type; } ChangeCipherSpec;}
     */
    private void changeCipherSpecRecord(byte[] b, int off, int len) {
        events.changeCipherSpec(frame, ts);
        if (len != 1 || b[off] != 1) {
            anomaly("malformed_change_cipher_spec");
        }
        if (sentHelloRetryRequest || tls13Protected) {
            // TLS 1.3 middlebox compatibility CCS (RFC 8446 appendix D.4): protects nothing
            return;
        }
        if (reassembler.partial()) {
            anomaly("incomplete_handshake_message");
            reassembler.reset();
        }
        if (offeredTls13) {
            ccsMaybeCompat = true;
        } else {
            ccsProtects = true;
        }
    }

    /**
     * RFC 6520 section 4:
     * <pre>
     *   struct {
     *       HeartbeatMessageType type;      // heartbeat_request(1), heartbeat_response(2)
     *       uint16 payload_length;
     *       opaque payload[HeartbeatMessage.payload_length];
     *       opaque padding[padding_length]; // at least 16 bytes
     *   } HeartbeatMessage;
     * </pre>
     */
    private void heartbeatRecord() {
        if (ccsProtects || ccsMaybeCompat || tls13Protected) {
            events.encryptedRecord(24, recordLength, frame, ts);
            return;
        }
        if (skipHeadLength != skipHead.length) {
            anomaly("malformed_heartbeat");
            return;
        }
        int type = skipHead[0] & 0xff;
        int payloadLength = ((skipHead[1] & 0xff) << 8) | (skipHead[2] & 0xff);
        events.heartbeat(type, payloadLength, recordLength, frame, ts);
        if (payloadLength + 3 + 16 > recordLength) {
            anomaly("heartbeat_overread");
        }
    }

    /** A plaintext-candidate SSLv2 record (the first one, a CLIENT-MASTER-KEY or an ERROR). */
    private void sslv2Record(byte[] b, int off, int len) {
        if (sslv2Records == 0) {
            int type = b[off] & 0xff;
            events.handshakeMessage(0x100 + type, len, frame, ts);
            if (type == Sslv2Parser.CLIENT_HELLO) {
                ClientHello hello = Sslv2Parser.clientHello(b, off, len, limits, handshakes);
                if (hello != null) {
                    sentClientHello = true;
                    events.clientHello(hello.withTransport(1, (int) (feeds - recordFirstFeed + 1)), frame, ts);
                }
            } else if (type == Sslv2Parser.SERVER_HELLO) {
                Sslv2Parser.ServerHelloAndCertificate sh = Sslv2Parser.serverHello(b, off, len, limits, handshakes);
                if (sh != null) {
                    events.serverHello(sh.hello(), frame, ts);
                    if (sh.certificateLength() > 0 && limits.maxCertificates() > 0) {
                        events.certificates(List.of(CertificateDecoder.decode(b, sh.certificateOffset(),
                                sh.certificateLength(), context, handshakes)), frame, ts);
                    }
                }
            }
            return;
        }
        if (sslv2Records == 1 && sentClientHello && Sslv2Parser.isClientMasterKey(b, off, len)) {
            events.handshakeMessage(0x100 + Sslv2Parser.CLIENT_MASTER_KEY, len, frame, ts);
        } else if (Sslv2Parser.isError(b, off, len)) {
            events.handshakeMessage(0x100 + Sslv2Parser.ERROR, len, frame, ts);
        } else {
            events.encryptedRecord(SSLV2_RECORD, len, frame, ts);
        }
    }

    // ------------------------------------------------------------------------------ plaintext

    private int plaintext(byte[] b, int pos, int end, boolean chunkStart) {
        boolean candidate = chunkStart || candidateNext;
        candidateNext = false;
        if (pendingLength > 0) {
            // a TLS start that needed more bytes than the previous feed had
            int old = pendingLength;
            int take = Math.min(MAX_PROBE - old, end - pos);
            System.arraycopy(b, pos, pending, old, take);
            int status = RecordProbe.probeInto(pending, 0, old + take, RecordProbe.Expect.UPGRADE, maxBody, -1,
                    header);
            if (status == RecordProbe.NEED_MORE) {
                pendingLength = old + take;
                return pos + take;
            }
            if (status == RecordProbe.OK) {
                pendingLength = old;
                upgrade();
                return pos;
            }
            pendingLength = 0;
            scanAll(pending, 0, old);
            if (phase != Phase.PLAINTEXT) {
                return end;
            }
            candidate = chunkStart;
        }
        if (candidate) {
            int status = RecordProbe.probeInto(b, pos, end - pos, RecordProbe.Expect.UPGRADE, maxBody, -1, header);
            if (status == RecordProbe.OK) {
                upgrade();
                return pos;
            }
            if (status == RecordProbe.NEED_MORE) {
                keepPending(b, pos, end);
                return end;
            }
        }
        int next = scanner.scan(b, pos, end);
        if (scanner.exhausted()) {
            anomaly("plaintext_scan_limit");
            phase = Phase.DONE;
            return end;
        }
        candidateNext = next < end;
        return next;
    }

    /** Scans plaintext bytes kept from an earlier feed (candidates inside them are not probed). */
    private void scanAll(byte[] b, int off, int end) {
        int p = off;
        while (p < end) {
            p = scanner.scan(b, p, end);
            if (scanner.exhausted()) {
                anomaly("plaintext_scan_limit");
                phase = Phase.DONE;
                return;
            }
        }
    }

    /** TLS starts here after a plaintext prefix. */
    private void upgrade() {
        events.startTls(scanner.protocol(), frame, ts);
        started = false;
        phase = Phase.HEADER;
    }

    // ------------------------------------------------------------------------------ resync

    private int resync(byte[] b, int pos, int end, boolean chunkStart) {
        if (pendingLength > 0) {
            int old = pendingLength;
            int take = Math.min(MAX_PROBE - old, end - pos);
            System.arraycopy(b, pos, pending, old, take);
            int status = RecordProbe.probeInto(pending, 0, old + take, RecordProbe.Expect.RESYNC, maxBody,
                    lastRecordVersion, header);
            if (status == RecordProbe.NEED_MORE) {
                pendingLength = old + take;
                return pos + take;
            }
            if (status == RecordProbe.OK) {
                pendingLength = old;
                phase = Phase.HEADER;
                return pos;
            }
            pendingLength = 0;
        }
        if (chunkStart) {
            int status = RecordProbe.probeInto(b, pos, end - pos, RecordProbe.Expect.RESYNC, maxBody,
                    lastRecordVersion, header);
            if (status == RecordProbe.OK) {
                phase = Phase.HEADER;
                return pos;
            }
            if (status == RecordProbe.NEED_MORE) {
                keepPending(b, pos, end);
                return end;
            }
        }
        resyncSkipped += end - pos;
        if (resyncSkipped > limits.maxPlaintextScan()) {
            phase = Phase.DONE;
        }
        return end;
    }

    // ------------------------------------------------------------------------------ reporting

    private void anomaly(String name) {
        if (anomalies == null) {
            anomalies = new HashSet<>(8);
        }
        if (anomalies.add(name)) {
            events.anomaly(name, frame, ts);
        }
    }

    private void violation(String reason) {
        if (mode == Mode.BROKEN) {
            return;
        }
        mode = Mode.BROKEN;
        phase = Phase.DONE;
        reassembler.stop();
        events.violation(reason, frame, ts);
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder(b.length * 3);
        for (int i = 0; i < b.length; i++) {
            if (i > 0) {
                sb.append(' ');
            }
            sb.append(Character.forDigit((b[i] >> 4) & 0xf, 16)).append(Character.forDigit(b[i] & 0xf, 16));
        }
        return sb.toString();
    }

    /** The handshake layer's messages, and the parsers' issues, stamped with the current feed. */
    private final class Handshakes implements HandshakeReassembler.Sink, Issues {

        @Override
        public void message(int type, byte[] b, int off, int len, long firstRecord, long firstFeed,
                            int firstRecordVersion) {
            if (mode == Mode.BROKEN) {
                return;
            }
            events.handshakeMessage(type, len, frame, ts);
            switch (type) {
                case 1 -> {
                    ClientHello hello = ClientHelloParser.parse(b, off, len, firstRecordVersion, limits, context.lists(), this);
                    if (hello != null) {
                        sentClientHello = true;
                        offeredTls13 |= ClientHelloParser.offersTls13(hello);
                        events.clientHello(hello.withTransport((int) (records - firstRecord + 1),
                                (int) (feeds - firstFeed + 1)), frame, ts);
                    }
                }
                case 2 -> {
                    ServerHello hello = ServerHelloParser.parse(b, off, len, firstRecordVersion, limits, context.lists(), this);
                    if (hello != null) {
                        if (hello.helloRetryRequest()) {
                            sentHelloRetryRequest = true;
                        } else if (hello.tls13()) {
                            tls13Protected = true;
                        }
                        events.serverHello(hello, frame, ts);
                    }
                }
                case 11 -> {
                    if (!tls13Protected) {
                        events.certificates(CertificateDecoder.decodeMessage(b, off, len, context, this), frame, ts);
                    }
                }
                default -> {
                    if (!knownHandshakeType(type)) {
                        anomaly("unknown_handshake_type");
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
            anomaly("handshake_message_too_large");
            return true;
        }

        @Override
        public void skipped(int type, int length) {
            if (mode != Mode.BROKEN) {
                events.handshakeMessage(type, length, frame, ts);
            }
        }

        @Override
        public void anomaly(String name) {
            TlsStreamDecoder.this.anomaly(name);
        }

        @Override
        public void violation(String reason) {
            TlsStreamDecoder.this.violation(reason);
        }
    }

    /** RFC 8446 section 4 and the IANA TLS HandshakeType registry. */
    private static boolean knownHandshakeType(int type) {
        return switch (type) {
            case 0, 1, 2, 3, 4, 5, 6, 8, 11, 12, 13, 14, 15, 16, 17, 20, 21, 22, 23, 24, 25, 26, 67, 254 -> true;
            default -> false;
        };
    }
}
