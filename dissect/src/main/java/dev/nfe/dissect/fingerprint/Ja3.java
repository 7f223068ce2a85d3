package dev.nfe.dissect.fingerprint;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.Grease;
import java.util.List;
import java.util.Objects;

/**
 * JA3 TLS client fingerprint (Salesforce, 2017; github.com/salesforce/ja3).
 *
 * <pre>
 * JA3 string = SSLVersion,Ciphers,Extensions,EllipticCurves,EllipticCurvePointFormats
 *   SSLVersion      ClientHello.legacy_version (client_version), decimal (TLS 1.2 = 771);
 *                   not supported_versions, not the record version
 *   Ciphers         cipher suites in offered order, decimal, joined with '-'
 *   Extensions      extension types in offered order, decimal, joined with '-'
 *   EllipticCurves  supported_groups (RFC 8422 section 5.1.1) in order, decimal, '-'
 *   EcPointFormats  ec_point_formats (RFC 8422 section 5.1.2) in order, decimal, '-'
 * GREASE values (RFC 8701) are left out of every list. A list that is absent or empty is an
 * empty field, so the commas stay: "769,47-53,,,".
 * JA3 = lowercase hex MD5 of the JA3 string.
 * </pre>
 *
 * <p>This matches tshark's {@code tls.handshake.ja3_full} / {@code tls.handshake.ja3} on every
 * ClientHello of the test corpus (see {@code Ja3CorpusTest}).
 *
 * @param full the JA3 string
 * @param hash MD5 of {@code full}, 32 lowercase hex digits
 */
public record Ja3(String full, String hash) {

    public Ja3 {
        Objects.requireNonNull(full, "full");
        Objects.requireNonNull(hash, "hash");
    }

    /**
     * The JA3 of a ClientHello, or {@code null} for an SSLv2-format CLIENT-HELLO.
     *
     * <p>Why null for SSLv2: JA3 is defined over the TLS ClientHello (its lists are 2-byte cipher
     * suites and extensions); an SSLv2 CLIENT-HELLO carries 3-byte cipher specs and cannot carry
     * extensions. The reference ja3.py only reads TLS handshake records and tshark computes no
     * JA3 for it either; inventing one would give a value no other tool can match.
     */
    public static Ja3 of(ClientHello hello) {
        if (hello.sslv2Format()) {
            return null;
        }
        StringBuilder sb = new StringBuilder(256);
        sb.append(hello.handshakeVersion()).append(',');
        appendDecimals(sb, hello.cipherSuites());
        sb.append(',');
        appendDecimals(sb, hello.extensionTypes());
        sb.append(',');
        appendDecimals(sb, hello.supportedGroups());
        sb.append(',');
        appendDecimals(sb, hello.ecPointFormats());
        String full = sb.toString();
        return new Ja3(full, Digests.md5Hex(full));
    }

    /** Appends the non-GREASE values as decimals joined with '-'. */
    static void appendDecimals(StringBuilder sb, List<Integer> values) {
        boolean first = true;
        for (int v : values) {
            if (Grease.is(v)) {
                continue;
            }
            if (!first) {
                sb.append('-');
            }
            sb.append(v);
            first = false;
        }
    }
}
