package dev.nfe.dissect.fingerprint;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.Grease;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * JA4, the TLS client fingerprint of FoxIO's JA4+ suite (JA4 itself is BSD-3-Clause; the other
 * JA4+ methods are under the FoxIO licence and deliberately not implemented here).
 *
 * <p>Spec followed: {@code technical_details/JA4.md} in github.com/FoxIO-LLC/ja4, the revision
 * with the hex rule for non-alphanumeric ALPN values and its space examples (commit 820ec30).
 * FoxIO's python and rust code still print "99" (or '9' per character) for a non-ASCII ALPN byte
 * and the raw character for other non-alphanumeric ones; JA4's author ruled the spec correct
 * (FoxIO-LLC/ja4 issue 178), so this follows the spec, and Ja4CornersTest pins the difference
 * against the python reference's output on real hellos. Summary:
 * <pre>
 * JA4 = a "_" b "_" c
 * a = transport   't' TLS over TCP, 'q' QUIC, 'd' DTLS
 *   . version     highest non-GREASE value of supported_versions (0x002b) if present, else
 *                 ClientHello.legacy_version (never the record version):
 *                 0x0304 "13", 0x0303 "12", 0x0302 "11", 0x0301 "10", 0x0300 "s3",
 *                 0x0002 "s2", 0xfeff "d1", 0xfefd "d2", 0xfefc "d3", anything else "00"
 *   . sni         'd' if the server_name extension (0x0000) is present, else 'i'
 *   . ciphers     number of non-GREASE cipher suites, 2 digits, capped at 99 (SCSVs count)
 *   . extensions  number of non-GREASE extensions, 2 digits, capped at 99, SNI and ALPN included
 *   . alpn        first and last character of the first ALPN protocol name; "00" if there is
 *                 no ALPN extension, no name, or the first name is empty; a 1-byte name gives
 *                 that character twice; if the first or the last byte is not ASCII [0-9A-Za-z],
 *                 the first and last characters of the name's lowercase hex instead
 *                 (0xAB -> "ab", 0x20 -> "20", 0x30 0xAB -> "3b", 0x61 0x20 -> "60")
 * b = first 12 hex digits of SHA-256 of the non-GREASE cipher suites as 4-digit lowercase hex,
 *     sorted, joined with ','; "000000000000" if there are none
 * c = first 12 hex digits of SHA-256 of: the non-GREASE extension types except SNI (0x0000) and
 *     ALPN (0x0010) as 4-digit hex, sorted, joined with ','; then, only if there are signature
 *     algorithms, '_' and the signature_algorithms values in offered order joined with ',';
 *     "000000000000" if the sorted extension list is empty
 * </pre>
 * The raw forms print the lists instead of their hashes: {@code ja4_r} (sorted, as above) and
 * {@code ja4_ro} (offered order, and, as the spec says, with SNI and ALPN kept in the
 * extension list); {@code ja4_o} is the hashed original-order form.
 *
 * <p>Choices where the spec is silent: GREASE is also dropped from signature algorithms
 * ("ignore GREASE values anywhere"); "highest" supported version is the numerically largest,
 * so a TLS 1.3 draft (0x7fxx) in the list gives "00" even beside 0x0304 (FoxIO's rust takes
 * the maximum; Arkime and nDPI print "00" for the corpus's draft-18 hello too); a
 * supported_versions list with nothing but GREASE falls back to legacy_version. Only
 * signature_algorithms (0x000d) feed part c, not the lists inside signature_algorithms_cert
 * (0x0032) or delegated_credentials (0x0022); tools that read tshark's
 * {@code tls.handshake.sig_hash_alg} pick those up too, nDPI does not and agrees with us.
 * ALPN names are read as one byte per {@code char} (ISO-8859-1), which is how they must be
 * decoded for the hex rule to see the wire bytes.
 */
public final class Ja4 {
    static final String EMPTY_HASH = "000000000000";
    private static final int EXT_SERVER_NAME = 0x0000;
    private static final int EXT_ALPN = 0x0010;

    private Ja4() {
    }

    /**
     * The JA4 fingerprint, e.g. {@code t13d1516h2_8daaf6152771_e5627efa2ab1}; {@code null} for
     * an SSLv2-format CLIENT-HELLO.
     *
     * <p>Why null for SSLv2: JA4's lists are 2-byte TLS cipher suites and extensions; an SSLv2
     * CLIENT-HELLO has 3-byte cipher specs and no extensions, and the spec defines no encoding
     * for those, so any value would be ours alone.
     *
     * @param transport 't' (TLS over TCP), 'q' (QUIC) or 'd' (DTLS)
     */
    public static String of(ClientHello hello, char transport) {
        Parts p = Parts.of(hello, transport, true);
        return p == null ? null : p.hashed();
    }

    /** {@code ja4_r}: the sorted lists unhashed, for debugging; {@code null} for SSLv2. */
    public static String raw(ClientHello hello, char transport) {
        Parts p = Parts.of(hello, transport, true);
        return p == null ? null : p.raw();
    }

    /** {@code ja4_o}: like {@link #of} but with lists in offered order, SNI and ALPN kept. */
    public static String originalOrder(ClientHello hello, char transport) {
        Parts p = Parts.of(hello, transport, false);
        return p == null ? null : p.hashed();
    }

    /** {@code ja4_ro}: the offered-order lists unhashed, SNI and ALPN kept. */
    public static String rawOriginalOrder(ClientHello hello, char transport) {
        Parts p = Parts.of(hello, transport, false);
        return p == null ? null : p.raw();
    }

    /** The three sections before hashing. {@code exts} empty means part c is all zeros. */
    private record Parts(String a, String ciphers, String exts, String sigs) {

        static Parts of(ClientHello hello, char transport, boolean sorted) {
            if (transport != 't' && transport != 'q' && transport != 'd') {
                throw new IllegalArgumentException("JA4 transport is 't', 'q' or 'd', not '" + transport + "'");
            }
            if (hello.sslv2Format()) {
                return null;
            }
            List<Integer> ciphers = withoutGrease(hello.cipherSuites());
            List<Integer> exts = withoutGrease(hello.extensionTypes());
            int cipherCount = ciphers.size();
            int extCount = exts.size();
            boolean sni = exts.contains(EXT_SERVER_NAME);
            if (sorted) {
                exts.removeIf(t -> t == EXT_SERVER_NAME || t == EXT_ALPN);
                Collections.sort(ciphers);
                Collections.sort(exts);
            }
            StringBuilder a = new StringBuilder(10).append(transport)
                    .append(versionCode(version(hello)))
                    .append(sni ? 'd' : 'i');
            appendCount(a, cipherCount);
            appendCount(a, extCount);
            a.append(alpnCode(hello.alpn()));
            return new Parts(a.toString(), hexList(ciphers), hexList(exts),
                    hexList(withoutGrease(hello.signatureAlgorithms())));
        }

        String hashed() {
            String b = ciphers.isEmpty() ? EMPTY_HASH : Digests.sha256Hex12(ciphers);
            String c = exts.isEmpty() ? EMPTY_HASH : Digests.sha256Hex12(extsAndSigs());
            return a + '_' + b + '_' + c;
        }

        String raw() {
            return a + '_' + ciphers + '_' + extsAndSigs();
        }

        /** "If there are no signature algorithms ... the string ends without an underscore." */
        private String extsAndSigs() {
            return sigs.isEmpty() ? exts : exts + '_' + sigs;
        }
    }

    /** Highest non-GREASE supported_versions value, else legacy_version (JA4.md "TLS Version"). */
    static int version(ClientHello hello) {
        int best = -1;
        for (int v : hello.supportedVersions()) {
            if (!Grease.is(v) && v > best) {
                best = v;
            }
        }
        return best >= 0 ? best : hello.handshakeVersion();
    }

    static String versionCode(int version) {
        return switch (version) {
            case 0x0304 -> "13";
            case 0x0303 -> "12";
            case 0x0302 -> "11";
            case 0x0301 -> "10";
            case 0x0300 -> "s3";
            case 0x0002 -> "s2";
            case 0xfeff -> "d1";
            case 0xfefd -> "d2";
            case 0xfefc -> "d3";
            default -> "00";
        };
    }

    /** First and last character of the first ALPN name, per the rules in the class comment. */
    static String alpnCode(List<String> alpn) {
        if (alpn.isEmpty() || alpn.get(0).isEmpty()) {
            return "00";
        }
        byte[] b = wireBytes(alpn.get(0));
        int first = b[0] & 0xff;
        int last = b[b.length - 1] & 0xff;
        if (alphanumeric(first) && alphanumeric(last)) {
            return new String(new char[] {(char) first, (char) last});
        }
        // the first hex digit of the first byte and the last hex digit of the last byte
        String firstHex = Digests.hex(new byte[] {(byte) first}, 1);
        String lastHex = Digests.hex(new byte[] {(byte) last}, 1);
        return new String(new char[] {firstHex.charAt(0), lastHex.charAt(1)});
    }

    private static boolean alphanumeric(int c) {
        return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
    }

    /**
     * The bytes of an ALPN name. A name decoded one byte per char (ISO-8859-1) maps back exactly;
     * a name holding chars above 0xff can only have come from a multi-byte decoding, for which
     * UTF-8 is the best guess at the original bytes.
     */
    static byte[] wireBytes(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (name.charAt(i) > 0xff) {
                return name.getBytes(StandardCharsets.UTF_8);
            }
        }
        return name.getBytes(StandardCharsets.ISO_8859_1);
    }

    private static List<Integer> withoutGrease(List<Integer> values) {
        List<Integer> out = new ArrayList<>(values.size());
        for (int v : values) {
            if (!Grease.is(v)) {
                out.add(v);
            }
        }
        return out;
    }

    private static void appendCount(StringBuilder sb, int n) {
        int capped = Math.min(n, 99);
        sb.append((char) ('0' + capped / 10)).append((char) ('0' + capped % 10));
    }

    private static String hexList(List<Integer> values) {
        StringBuilder sb = new StringBuilder(values.size() * 5);
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Digests.appendHex4(sb, values.get(i));
        }
        return sb.toString();
    }
}
