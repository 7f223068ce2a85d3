package dev.nfe.dissect.report;

import java.util.List;

/**
 * A decoded ClientHello: either a TLS/SSLv3 handshake message (RFC 8446 section 4.1.2, RFC 5246
 * section 7.4.1.2) or an SSLv2-format CLIENT-HELLO (draft-hickman-netscape-ssl-00, RFC 6101
 * appendix E.2) that offers SSLv3/TLS.
 *
 * <p>Lists keep the order and the values as offered, GREASE included (RFC 8701); fingerprints
 * drop GREASE themselves.
 *
 * @param sslv2Format        true for an SSLv2-format CLIENT-HELLO
 * @param recordVersion      record-layer version of the first record holding the hello; -1 for SSLv2
 * @param handshakeVersion   ClientHello.legacy_version (for SSLv2: the version field of the CLIENT-HELLO)
 * @param cipherSuites       2-byte suites; for SSLv2 the 3-byte cipher specs (e.g. 0x010080)
 * @param compressionMethods compression methods (empty for SSLv2)
 * @param sessionIdLength    length of the session id (SSLv2: session-id-length)
 * @param challengeLength    SSLv2 challenge length; -1 for TLS
 * @param extensionTypes     extension types in order, GREASE included; empty when absent
 * @param sni                first host_name of server_name (RFC 6066 section 3), or null
 * @param alpn               protocol names of application_layer_protocol_negotiation (RFC 7301)
 * @param supportedVersions  supported_versions (RFC 8446 section 4.2.1), in order
 * @param supportedGroups    supported_groups / elliptic_curves (RFC 8422 section 5.1.1), in order
 * @param ecPointFormats     ec_point_formats (RFC 8422 section 5.1.2), in order
 * @param signatureAlgorithms signature_algorithms (RFC 8446 section 4.2.3), in order
 * @param messageLength      length of the handshake message body (SSLv2: record body length)
 * @param records            number of TLS records that carried the message (1 for SSLv2)
 * @param tcpSegments        number of TCP segments that carried the message's bytes
 */
public record ClientHello(
        boolean sslv2Format,
        int recordVersion,
        int handshakeVersion,
        List<Integer> cipherSuites,
        List<Integer> compressionMethods,
        int sessionIdLength,
        int challengeLength,
        List<Integer> extensionTypes,
        String sni,
        List<String> alpn,
        List<Integer> supportedVersions,
        List<Integer> supportedGroups,
        List<Integer> ecPointFormats,
        List<Integer> signatureAlgorithms,
        int messageLength,
        int records,
        int tcpSegments) {

    public ClientHello {
        cipherSuites = List.copyOf(cipherSuites);
        compressionMethods = List.copyOf(compressionMethods);
        extensionTypes = List.copyOf(extensionTypes);
        alpn = List.copyOf(alpn);
        supportedVersions = List.copyOf(supportedVersions);
        supportedGroups = List.copyOf(supportedGroups);
        ecPointFormats = List.copyOf(ecPointFormats);
        signatureAlgorithms = List.copyOf(signatureAlgorithms);
    }

    /** True when any cipher suite, extension, group, version or signature algorithm is a GREASE value. */
    public boolean grease() {
        return Grease.any(cipherSuites) || Grease.any(extensionTypes) || Grease.any(supportedVersions)
                || Grease.any(supportedGroups) || Grease.any(signatureAlgorithms);
    }

    /**
     * The highest final TLS version this hello offers: the largest non-GREASE supported_versions
     * value up to TLS 1.3 (0x0304), else legacy_version. For people ("a TLS 1.3 hello"); drafts
     * and experiments do not count.
     */
    public int highestOfferedVersion() {
        int max = handshakeVersion;
        for (int v : supportedVersions) {
            if (!Grease.is(v) && v > max && v <= 0x0304) {
                max = v;
            }
        }
        return max;
    }

    /** Same hello with the transport facts (records, segments) filled in by the stream decoder. */
    public ClientHello withTransport(int recordCount, int segmentCount) {
        return new ClientHello(sslv2Format, recordVersion, handshakeVersion, cipherSuites, compressionMethods,
                sessionIdLength, challengeLength, extensionTypes, sni, alpn, supportedVersions, supportedGroups,
                ecPointFormats, signatureAlgorithms, messageLength, recordCount, segmentCount);
    }
}
