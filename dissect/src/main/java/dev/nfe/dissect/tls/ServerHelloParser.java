package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ServerHello;
import java.util.ArrayList;
import java.util.List;

/** Decodes a TLS/SSLv3 ServerHello (or HelloRetryRequest) handshake message body. */
final class ServerHelloParser {

    /** RFC 8446 section 4.1.3: SHA-256("HelloRetryRequest"), the random of a HelloRetryRequest. */
    static final byte[] HELLO_RETRY_REQUEST_RANDOM = hex(
            "cf21ad74e59a6111be1d8c021e65b891c2a211167abb8c5e079e09e2c8a8339c");

    private ServerHelloParser() {
    }

    /**
     * RFC 8446 section 4.1.3 (RFC 5246 section 7.4.1.3 has the same layout; SSLv3 and early TLS
     * hellos may end after the compression method):
     * <pre>
     *   struct {
     *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
     *       Random random;
     *       opaque legacy_session_id_echo&lt;0..32&gt;;
     *       CipherSuite cipher_suite;
     *       uint8 legacy_compression_method = 0;
     *       Extension extensions&lt;6..2^16-1&gt;;
     *   } ServerHello;
     * </pre>
     * TLS 1.3 drafts 16 to 21 (legacy_version 0x7f10..0x7f15) had no session id and no compression:
     * <pre>
     *   struct {
     *       ProtocolVersion version;
     *       Random random;
     *       CipherSuite cipher_suite;
     *       Extension extensions&lt;0..2^16-1&gt;;
     *   } ServerHello;                               // draft-ietf-tls-tls13-21 section 4.1.3
     * </pre>
     * A HelloRetryRequest is a ServerHello whose random is SHA-256("HelloRetryRequest").
     *
     * The fixed part (up to the compression method) must be well formed, else violation; an
     * extension block that does not add up is anomaly {@code malformed_extensions} and the hello is
     * kept with the extensions before the error; a malformed body of a known extension is anomaly
     * {@code malformed_extension}.
     *
     * @return the hello, or null after {@link Issues#violation}
     */
    static ServerHello parse(byte[] b, int off, int len, int recordVersion, TlsLimits limits, IntListInterner lists,
            Issues issues) {
        int cap = limits.maxListEntries();
        Cursor c = new Cursor(b, off, len);
        if (!c.has(2 + 32 + 2)) {
            issues.violation("malformed_server_hello: shorter than version, random and cipher suite");
            return null;
        }
        int version = c.u16();
        boolean hrr = c.startsWith(HELLO_RETRY_REQUEST_RANDOM);
        c.skip(32);
        boolean draft = (version >>> 8) == 0x7f && (version & 0xff) < 22;
        int compression = -1;
        int cipher;
        if (draft) {
            cipher = c.u16();
        } else {
            int sessionIdLength = c.u8();
            if (sessionIdLength > 32 || !c.has(sessionIdLength + 3)) {
                issues.violation("malformed_server_hello: session id length " + sessionIdLength);
                return null;
            }
            c.skip(sessionIdLength);
            cipher = c.u16();
            compression = c.u8();
        }
        List<Integer> types = new ArrayList<>();
        int[] selected = {version, 0}; // [selected_version, seen]
        String[] alpn = {null};
        Extensions.walk(c, cap, types, issues, (type, n, data) -> {
            if (type == Extensions.SUPPORTED_VERSIONS && selected[1] == 0) {
                // RFC 8446 section 4.2.1: struct { ProtocolVersion selected_version; } in a ServerHello
                if (n >= 2) {
                    selected[0] = data.u16();
                    selected[1] = 1;
                }
                if (n != 2) {
                    issues.anomaly("malformed_extension");
                }
            } else if (type == Extensions.ALPN && alpn[0] == null) {
                List<String> names = Extensions.alpn(data, cap, issues);
                if (!names.isEmpty()) {
                    alpn[0] = names.get(0);
                }
                if (names.size() > 1) {
                    issues.anomaly("malformed_extension");
                }
            }
        });
        return new ServerHello(false, recordVersion, version, selected[0], cipher, compression, lists.intern(types),
                alpn[0], hrr);
    }

    private static byte[] hex(String s) {
        byte[] out = new byte[s.length() / 2];
        for (int i = 0; i < out.length; i++) {
            out[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
        }
        return out;
    }
}
