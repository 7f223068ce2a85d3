package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.report.CertificateInfo;
import java.util.List;

/**
 * What a {@code TlsStreamDecoder} found in one direction of a TCP stream, pushed as it is found
 * (OkHttp's Http2Reader.Handler style). Every event carries the frame number and timestamp of the
 * TCP segment whose bytes completed the unit (the frame Wireshark shows the message in).
 *
 * <p>All methods have empty defaults so a listener implements only what it needs.
 */
public interface TlsEvents {

    /** A complete ClientHello (TLS, SSLv3 or SSLv2-format). */
    default void clientHello(ClientHello hello, long frame, long tsNanos) {
    }

    /** A complete ServerHello, HelloRetryRequest or SSLv2 SERVER-HELLO. */
    default void serverHello(ServerHello hello, long frame, long tsNanos) {
    }

    /** A plaintext Certificate message (TLS <= 1.2) with its decoded chain, leaf first. */
    default void certificates(List<CertificateInfo> chain, long frame, long tsNanos) {
    }

    /**
     * Every plaintext handshake message, hellos included (TLS handshake type, or for SSLv2 the
     * SSLv2 message type + 0x100 so the two number spaces do not collide).
     */
    default void handshakeMessage(int type, int length, long frame, long tsNanos) {
    }

    /** A ChangeCipherSpec record (content type 20). Records after it in this direction are protected. */
    default void changeCipherSpec(long frame, long tsNanos) {
    }

    /** An alert record (content type 21); {@link Alert#encrypted()} when protected. */
    default void alert(Alert alert, long frame, long tsNanos) {
    }

    /**
     * A plaintext heartbeat record (content type 24, RFC 6520 section 4) sent before this
     * direction's records are protected. {@code type} is 1 (request) or 2 (response),
     * {@code payloadLength} the payload_length the message claims and {@code recordLength} the
     * record body length; a claim beyond {@code recordLength - 3 - 16} is the Heartbleed pattern
     * and is also reported as anomaly {@code heartbeat_overread}. Protected heartbeats are
     * {@link #encryptedRecord} with content type 24.
     */
    default void heartbeat(int type, int payloadLength, int recordLength, long frame, long tsNanos) {
    }

    /**
     * A record whose content is protected: application_data (23), a handshake record after
     * ChangeCipherSpec (encrypted Finished), or any TLS 1.3 record after the ServerHello.
     * Also SSLv2 records after the hellos.
     */
    default void encryptedRecord(int contentType, int length, long frame, long tsNanos) {
    }

    /**
     * The first bytes of this direction (or the bytes after a STARTTLS prefix ended) are not
     * TLS. Reported once per run of plaintext; {@code firstBytes} is a short prefix for evidence.
     */
    default void plaintext(byte[] firstBytes, long frame, long tsNanos) {
    }

    /**
     * TLS starts after a plaintext prefix in this direction. {@code protocol} names the
     * plaintext protocol recognised from the bytes (smtp, imap, pop3, ftp, ldap, xmpp,
     * postgresql, mysql) or "unknown".
     */
    default void startTls(String protocol, long frame, long tsNanos) {
    }

    /**
     * The stream broke the protocol (a bad record header, a malformed handshake message, a length
     * beyond a cap). Reported once; the decoder parses nothing more in this direction.
     */
    default void violation(String reason, long frame, long tsNanos) {
    }

    /** Something odd that did not stop parsing (a capped list, an unknown record type, ...). */
    default void anomaly(String name, long frame, long tsNanos) {
    }
}
