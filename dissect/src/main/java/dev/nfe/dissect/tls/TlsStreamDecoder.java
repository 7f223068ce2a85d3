package dev.nfe.dissect.tls;

import java.util.Objects;

/**
 * Decodes one direction of a TCP stream as SSL/TLS: record layer, handshake layer and the
 * messages the forensics need, pushing {@link TlsEvents} as units complete.
 *
 * <h2>Layers</h2>
 * This class is only the facade; the work is done by small layers, each of which sees only its
 * own units (Zeek's and Netty's split of record layer and handshake):
 * <ul>
 *   <li>{@link RecordLayer}: framing. Probes headers, keeps undecided header bytes, buffers or
 *       counts over bodies, handles gaps inside bodies and resynchronises after lost framing; hands
 *       whole records (or counted-over lengths) up. It holds the feed loop, because where a record
 *       may start is its question whatever the bytes before were (a record, plaintext, a gap).</li>
 *   <li>{@link ContentLayer}: what a record's content type means (alert, ChangeCipherSpec,
 *       heartbeat, application data); handshake bodies go to the handshake layer, SSLv2 records to
 *       {@link Sslv2Records}.</li>
 *   <li>{@link HandshakeLayer}: {@link HandshakeReassembler} and the message parsers; it never sees
 *       a record header. It owns the direction's {@link Protection} state machine.</li>
 *   <li>{@link PlaintextUpgrade}: the plaintext prefix and the STARTTLS upgrade out of it.</li>
 *   <li>{@link Reporter}: the listener with the current feed's frame and time, and the
 *       once-per-direction rules for anomalies and violations.</li>
 * </ul>
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
 * <h2>Protection (per direction, {@link Protection})</h2>
 * After this direction's ChangeCipherSpec its handshake records are encrypted (Finished) and are
 * reported as {@code encryptedRecord(22, ..)}; two TLS 1.3 middlebox-compatibility exceptions
 * (RFC 8446 appendix D.4): a CCS after this direction's HelloRetryRequest protects nothing, and
 * after a CCS from a client that offered TLS 1.3 a record that holds a ClientHello (its type,
 * length and version add up) is still read in clear. After a ServerHello that selects TLS 1.3
 * (not an HRR) every later handshake record of this direction is protected. A heartbeat is
 * protected exactly when handshake records are (fully or but for ClientHellos).
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
 * registered description, or an SSLv2 CLIENT-HELLO), right after every plaintext message end (line
 * end, MySQL packet, LDAP message, PostgreSQL SSLRequest or 'S' answer, SOCKS request or reply,
 * XMPP tag) and right after a gap, never at a feed boundary as such (where TLS starts must not
 * depend on how TCP cut the stream); when found, {@code startTls} names the plaintext protocol
 * ({@link PlaintextProtocols}) and TLS decoding starts there. At most
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

    private final Reporter report;
    private final RecordLayer records;

    public TlsStreamDecoder(TlsContext context, TlsEvents events) {
        Objects.requireNonNull(context, "context");
        this.report = new Reporter(Objects.requireNonNull(events, "events"));
        this.records = new RecordLayer(context.limits(), report, new ContentLayer(context, report));
    }

    /** Consumes {@code len} in-order bytes of {@code buf} from {@code off}. The array is not kept. */
    public void feed(byte[] buf, int off, int len, long frame, long tsNanos) {
        Objects.checkFromIndexSize(off, len, buf.length);
        if (len == 0 || !wantsBytes()) {
            return;
        }
        report.feed(frame, tsNanos);
        records.consume(buf, off, off + len);
    }

    /**
     * {@code bytes} of the stream were never captured; framing after this point is uncertain. Use
     * any positive count when the size is unknown (e.g. a flow picked up mid-stream).
     */
    public void gap(long bytes, long frame, long tsNanos) {
        if (bytes <= 0 || !wantsBytes()) {
            return;
        }
        report.gap(frame, tsNanos);
        report.anomaly("gap");
        records.gap(bytes);
    }

    /** False once nothing more can be learned from this direction's bytes (after a violation). */
    public boolean wantsBytes() {
        return records.wantsBytes() && !report.broken();
    }

    public Mode mode() {
        return report.broken() ? Mode.BROKEN : records.mode();
    }
}
