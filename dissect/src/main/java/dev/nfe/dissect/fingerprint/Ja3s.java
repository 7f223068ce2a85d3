package dev.nfe.dissect.fingerprint;

import dev.nfe.dissect.report.ServerHello;
import java.util.Objects;

/**
 * JA3S TLS server fingerprint (Salesforce, 2019; github.com/salesforce/ja3).
 *
 * <pre>
 * JA3S string = SSLVersion,Cipher,Extensions
 *   SSLVersion  ServerHello.legacy_version (server_version), decimal; a TLS 1.3 server says 771
 *               here and puts 772 in supported_versions, which JA3S does not read
 *   Cipher      the selected cipher suite, decimal
 *   Extensions  extension types in the order sent, decimal, joined with '-'; GREASE left out
 *               (as tshark does; servers do not normally send GREASE in a ServerHello)
 * JA3S = lowercase hex MD5 of the JA3S string.
 * </pre>
 *
 * <p>A HelloRetryRequest is a ServerHello on the wire and gets a JA3S like any other, as tshark
 * computes it.
 *
 * @param full the JA3S string
 * @param hash MD5 of {@code full}, 32 lowercase hex digits
 */
public record Ja3s(String full, String hash) {

    public Ja3s {
        Objects.requireNonNull(full, "full");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * The JA3S of a ServerHello, or {@code null} for an SSLv2 SERVER-HELLO (no TLS cipher suite,
     * no extensions; tshark and ja3s.py compute none).
     */
    public static Ja3s of(ServerHello hello) {
        if (hello.sslv2Format()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(64);
        sb.append(hello.handshakeVersion()).append(',').append(hello.cipher()).append(',');
        Ja3.appendDecimals(sb, hello.extensionTypes());
        String full = sb.toString();
        return new Ja3s(full, Digests.md5Hex(full));
    }
}
