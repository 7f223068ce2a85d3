package dev.nfe.dissect.report;

import java.util.List;

/**
 * A decoded ServerHello (RFC 8446 section 4.1.3; RFC 5246 section 7.4.1.3), a HelloRetryRequest
 * (a ServerHello whose random is the RFC 8446 magic value), or an SSLv2 SERVER-HELLO.
 *
 * @param sslv2Format       true for an SSLv2 SERVER-HELLO
 * @param recordVersion     record-layer version; -1 for SSLv2
 * @param handshakeVersion  ServerHello.legacy_version (SSLv2: server-version)
 * @param selectedVersion   supported_versions extension when present, else {@code handshakeVersion}
 * @param cipher            the selected cipher suite (SSLv2: the first cipher spec, 3 bytes)
 * @param compressionMethod selected compression method; -1 for SSLv2
 * @param extensionTypes    extension types in order
 * @param alpn              the selected ALPN protocol, or null
 * @param helloRetryRequest true when the random equals the HelloRetryRequest magic
 */
public record ServerHello(
        boolean sslv2Format,
        int recordVersion,
        int handshakeVersion,
        int selectedVersion,
        int cipher,
        int compressionMethod,
        List<Integer> extensionTypes,
        String alpn,
        boolean helloRetryRequest) {

    public ServerHello {
        extensionTypes = List.copyOf(extensionTypes);
    }

    /** True when this hello negotiates TLS 1.3 or one of its drafts (0x7fXX) or experiments. */
    public boolean tls13() {
        return !sslv2Format && (selectedVersion == 0x0304 || (selectedVersion >>> 8) == 0x7f
                || selectedVersion == 0x7e01 || selectedVersion == 0xfb1a);
    }
}
