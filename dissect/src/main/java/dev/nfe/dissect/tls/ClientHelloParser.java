package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import java.util.ArrayList;
import java.util.List;

/** Decodes a TLS/SSLv3 ClientHello handshake message body into a {@link ClientHello}. */
final class ClientHelloParser {

    private ClientHelloParser() {
    }

    /**
     * RFC 8446 section 4.1.2 (RFC 5246 section 7.4.1.2 has the same layout; SSLv3 and early TLS
     * hellos may end after the compression methods):
     * <pre>
     *   uint16 ProtocolVersion;
     *   opaque Random[32];
     *   uint8 CipherSuite[2];
     *   struct {
     *       ProtocolVersion legacy_version = 0x0303;    // TLS v1.2
     *       Random random;
     *       opaque legacy_session_id&lt;0..32&gt;;
     *       CipherSuite cipher_suites&lt;2..2^16-2&gt;;
     *       opaque legacy_compression_methods&lt;1..2^8-1&gt;;
     *       Extension extensions&lt;8..2^16-1&gt;;
     *   } ClientHello;
     *
     * section 4.2:
     *   struct {
     *       ExtensionType extension_type;
     *       opaque extension_data&lt;0..2^16-1&gt;;
     *   } Extension;
     * </pre>
     *
     * @param b             message body (after the 4-byte handshake header)
     * @param recordVersion version of the first record that carried the message
     * The fixed part (up to the compression method) must be well formed, else violation; an
     * extension block that does not add up is anomaly {@code malformed_extensions} and the hello is
     * kept with the extensions before the error; a malformed body of a known extension is anomaly
     * {@code malformed_extension}.
     *
     * @return the hello, or null after {@link Issues#violation}
     */
    static ClientHello parse(byte[] b, int off, int len, int recordVersion, TlsLimits limits, IntListInterner lists,
            Issues issues) {
        int cap = limits.maxListEntries();
        Cursor c = new Cursor(b, off, len);
        if (!c.has(2 + 32 + 1)) {
            issues.violation("malformed_client_hello: shorter than version, random and session id length");
            return null;
        }
        int version = c.u16();
        c.skip(32);
        int sessionIdLength = c.u8();
        if (sessionIdLength > 32 || !c.has(sessionIdLength)) {
            issues.violation("malformed_client_hello: session id length " + sessionIdLength);
            return null;
        }
        c.skip(sessionIdLength);
        if (!c.has(2)) {
            issues.violation("malformed_client_hello: no cipher suites length");
            return null;
        }
        int suitesLength = c.u16();
        if (suitesLength % 2 != 0 || !c.has(suitesLength)) {
            issues.violation("malformed_client_hello: cipher suites length " + suitesLength);
            return null;
        }
        Cursor suiteBytes = c.sub(suitesLength);
        List<Integer> suites = lists.ofRaw(suiteBytes.b, suiteBytes.pos, suitesLength, 2, cap, issues);
        if (!c.has(1)) {
            issues.violation("malformed_client_hello: no compression methods length");
            return null;
        }
        int compressionLength = c.u8();
        if (!c.has(compressionLength)) {
            issues.violation("malformed_client_hello: compression methods length " + compressionLength);
            return null;
        }
        Cursor compressionBytes = c.sub(compressionLength);
        List<Integer> compression = lists.ofRaw(compressionBytes.b, compressionBytes.pos, compressionLength, 1, cap,
                issues);

        List<Integer> types = new ArrayList<>();
        Found f = new Found();
        Extensions.walk(c, cap, types, issues, (type, n, data) -> {
            switch (type) {
                case Extensions.SERVER_NAME -> {
                    if (f.sni == null) {
                        f.sni = Extensions.serverName(data, issues);
                    }
                }
                case Extensions.ALPN -> f.alpn = Extensions.alpn(data, cap, issues);
                case Extensions.SUPPORTED_VERSIONS -> f.versions = Extensions.intVector(data, 1, 2, cap, lists, issues);
                case Extensions.SUPPORTED_GROUPS -> f.groups = Extensions.intVector(data, 2, 2, cap, lists, issues);
                case Extensions.EC_POINT_FORMATS -> f.pointFormats = Extensions.intVector(data, 1, 1, cap, lists, issues);
                case Extensions.SIGNATURE_ALGORITHMS -> f.sigAlgs = Extensions.intVector(data, 2, 2, cap, lists, issues);
                default -> {
                    // kept by type only; unknown types are skipped as RFC 8446 section 4.2 requires
                }
            }
        });
        return new ClientHello(false, recordVersion, version, suites, compression, sessionIdLength, -1,
                lists.intern(types), f.sni, f.alpn, f.versions, f.groups, f.pointFormats, f.sigAlgs, len, 1, 1);
    }

    /** What the extensions of a ClientHello said. */
    private static final class Found {
        String sni;
        List<String> alpn = List.of();
        List<Integer> versions = List.of();
        List<Integer> groups = List.of();
        List<Integer> pointFormats = List.of();
        List<Integer> sigAlgs = List.of();
    }

    /** True when the hello offers TLS 1.3 (or a draft / experiment of it) in supported_versions. */
    static boolean offersTls13(ClientHello hello) {
        for (int v : hello.supportedVersions()) {
            if (v == 0x0304 || (v >>> 8) == 0x7f || v == 0x7e01 || v == 0x7e02 || v == 0xfb1a) {
                return true;
            }
        }
        return false;
    }
}
