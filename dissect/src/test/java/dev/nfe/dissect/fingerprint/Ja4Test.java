package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.Grease;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JA4 edge cases, each built from a real ClientHello of the corpus with fields removed or
 * replaced. The base is Chrome's hello in FoxIO's tls3.pcapng (stream 7), whose JA4 FoxIO
 * publishes as {@code t13d1516h2_8daaf6152771_e5627efa2ab1}; it carries GREASE in its ciphers,
 * extensions (twice), supported_versions and groups.
 */
class Ja4Test {
    private static final String CHROME_JA4 = "t13d1516h2_8daaf6152771_e5627efa2ab1";

    private static final ClientHello CHROME =
            CorpusFixtures.firstClientHello("FoxIO-LLC+ja4/pcap/tls3.pcapng", Endpoint.parse("192.168.1.169:63248"));

    private static ClientHello chrome() {
        return CHROME;
    }

    private static HelloBuilder edit() {
        return new HelloBuilder(chrome());
    }

    private static String ja4(HelloBuilder b) {
        return Ja4.of(b.build(), 't');
    }

    @Test
    void realHelloWithGrease() {
        assertEquals(CHROME_JA4, Ja4.of(chrome(), 't'));
        assertEquals("t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
                + "_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"
                + "_0403,0804,0401,0503,0805,0501,0806,0601", Ja4.raw(chrome(), 't'));
    }

    /** The worked example of JA4.md ("Cipher hash", "Extension hash", "Raw Output"), all four forms. */
    @Test
    void specWorkedExample() {
        HelloBuilder b = edit();
        b.ciphers = hex("1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035");
        b.extensions = hex("001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015");
        b.sigAlgs = hex("0403,0804,0401,0503,0805,0501,0806,0601");
        b.supportedVersions = hex("0304");
        ClientHello h = b.alpn("h2").build();
        assertEquals("t13d1516h2_8daaf6152771_e5627efa2ab1", Ja4.of(h, 't'));
        assertEquals("t13d1516h2_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9"
                + "_0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"
                + "_0403,0804,0401,0503,0805,0501,0806,0601", Ja4.raw(h, 't'));
        assertEquals("t13d1516h2_acb858a92679_18f69afefd3d", Ja4.originalOrder(h, 't'));
        assertEquals("t13d1516h2_1301,1302,1303,c02b,c02f,c02c,c030,cca9,cca8,c013,c014,009c,009d,002f,0035"
                + "_001b,0000,0033,0010,4469,0017,002d,000d,0005,0023,0012,002b,ff01,000b,000a,0015"
                + "_0403,0804,0401,0503,0805,0501,0806,0601", Ja4.rawOriginalOrder(h, 't'));
        // "If there are no signature algorithms ... the string ends without an underscore" (same example)
        b.sigAlgs = List.of();
        assertEquals("t13d1516h2_8daaf6152771_6d807ffa2a79", Ja4.of(b.build(), 't'));
    }

    @Test
    void greaseEverywhereIsIgnored() {
        HelloBuilder b = edit();
        b.sigAlgs.add(0, 0x0a0a);
        b.sigAlgs.add(0xfafa);
        b.ciphers.add(0x2a2a);
        b.extensions.add(0, 0x3a3a);
        b.supportedVersions.add(0xeaea); // numerically above 0x0304, must not win
        assertEquals(CHROME_JA4, ja4(b));
        assertEquals(Ja4.raw(chrome(), 't'), Ja4.raw(b.build(), 't'));
        // and with every GREASE value removed
        HelloBuilder clean = edit();
        clean.ciphers.removeIf(Grease::is);
        clean.extensions.removeIf(Grease::is);
        clean.supportedVersions.removeIf(Grease::is);
        clean.groups.removeIf(Grease::is);
        assertEquals(CHROME_JA4, ja4(clean));
    }

    @Test
    void noSni() {
        // 'i', one extension fewer; SNI is never in part c, so c is unchanged
        assertEquals("t13i1515h2_8daaf6152771_e5627efa2ab1", ja4(edit().without(0x0000)));
    }

    @Test
    void sniExtensionPresentButEmptyStillCountsAsDomain() {
        HelloBuilder b = edit();
        b.sni = null; // e.g. a server_name extension with an empty list: the spec asks for the extension
        assertEquals(CHROME_JA4, ja4(b));
    }

    @Test
    void noAlpn() {
        assertEquals("t13d151500_8daaf6152771_e5627efa2ab1", ja4(edit().without(0x0010)));
    }

    /** First and last character of the first ALPN name; hex rule for non-alphanumeric bytes (JA4.md). */
    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
        "6832, h2",                 // h2
        "687474702f312e31, h1",     // http/1.1: first and last, not the first two
        "737064792f332e31, s1",     // spdy/3.1
        "4832, H2",                 // H2 as offered in arkime badcurveball.pcap: case is kept
        "78, xx",                   // a single character is both first and last
        "ab, ab",                   // the spec's examples of the hex rule, all eight
        "20, 20",
        "abcd, ad",
        "2061, 21",
        "6120, 60",
        "30ab, 3b",
        "3031abcd, 3d",
        "30abcd31, 01",
        "5f5f, 5f",                 // "__": '_' is not alphanumeric, so hex 5f5f
        "'', 00",                   // an empty first name
    })
    void alpnCharacters(String firstNameHex, String expected) {
        ClientHello h = edit().alpn(CorpusFixtures.latin1(firstNameHex), "http/1.1").build();
        assertEquals(expected, Ja4.of(h, 't').substring(8, 10));
    }

    @Test
    void alpnExtensionWithNoNames() {
        HelloBuilder b = edit().alpn();
        assertEquals("t13d1516" + "00" + "_8daaf6152771_e5627efa2ab1", ja4(b));
    }

    @Test
    void alpnDecodedAsUtf8StillYieldsHexCodes() {
        // a decoder that produced chars above 0xff: the bytes are taken as UTF-8, c3 a9 c4 80
        assertEquals("c0", Ja4.of(edit().alpn("\u00e9\u0100").build(), 't').substring(8, 10));
    }

    @Test
    void noCiphers() {
        HelloBuilder b = edit();
        b.ciphers.clear();
        assertEquals("t13d0016h2_000000000000_e5627efa2ab1", ja4(b));
        assertEquals("t13d0016h2__0005,000a,000b,000d,0012,0015,0017,001b,0023,002b,002d,0033,4469,ff01"
                + "_0403,0804,0401,0503,0805,0501,0806,0601", Ja4.raw(b.build(), 't'));
    }

    @Test
    void onlyGreaseCiphersCountAsNone() {
        HelloBuilder b = edit();
        b.ciphers = new ArrayList<>(List.of(0x0a0a, 0x1a1a));
        assertEquals("t13d0016h2_000000000000_e5627efa2ab1", ja4(b));
    }

    @Test
    void noExtensions() {
        HelloBuilder b = edit();
        for (int t : List.copyOf(b.extensions)) {
            b.without(t);
        }
        // version falls back to legacy_version 0x0303; no SNI, no ALPN, part c all zeros
        assertEquals("t12i150000_8daaf6152771_000000000000", ja4(b));
        assertEquals("t12i150000_002f,0035,009c,009d,1301,1302,1303,c013,c014,c02b,c02c,c02f,c030,cca8,cca9_",
                Ja4.raw(b.build(), 't'));
    }

    /**
     * A real TLS 1.0 hello with no extension block at all (KakaoTalk_chat.pcap in nDPI's tests):
     * 'i', "00" for ALPN, version from legacy_version, and part c all zeros rather than the hash
     * of an empty string (nDPI prints e3b0c44298fc there, see Ja4UpstreamTest).
     */
    @Test
    void realHelloWithoutAnyExtension() {
        ClientHello h = CorpusFixtures.firstClientHello("ntop+nDPI/tests/cfgs/default/pcap/KakaoTalk_chat.pcap",
                Endpoint.parse("10.24.82.188:58964"));
        assertTrue(h.extensionTypes().isEmpty());
        assertEquals("t10i150000_e2ff6cb279ee_000000000000", Ja4.of(h, 't'));
        assertEquals("t10i150000_0003,0004,0005,0008,0009,000a,0011,0012,0013,0014,0015,0016,002f,0032,0033_",
                Ja4.raw(h, 't'));
        assertEquals("t10i150000_0004,0005,002f,0033,0032,000a,0016,0013,0009,0015,0012,0003,0008,0014,0011_",
                Ja4.rawOriginalOrder(h, 't'));
    }

    @Test
    void onlySniAndAlpnLeaveAnEmptyExtensionList() {
        HelloBuilder b = edit();
        for (int t : List.copyOf(b.extensions)) {
            if (t != 0x0000 && t != 0x0010) {
                b.without(t);
            }
        }
        assertEquals("t12d1502h2_8daaf6152771_000000000000", ja4(b));
    }

    @Test
    void noSignatureAlgorithmsExtension() {
        // 0x000d gone from the list and no algorithms appended, so no '_' before the hash input ends
        assertEquals("t13d1515h2_8daaf6152771_bebfbbe173b2", ja4(edit().without(0x000d)));
    }

    /**
     * Part c takes signature_algorithms (0x000d) only. tshark's tls.handshake.sig_hash_alg also
     * holds the lists of signature_algorithms_cert (0x0032) and delegated_credentials (0x0022), so
     * an implementation reading that field would differ here; nDPI agrees with us on this hello
     * (and on the 42 Firefox hellos with delegated_credentials in sites.pcapng).
     */
    @Test
    void onlyTheSignatureAlgorithmsExtensionFeedsPartC() {
        ClientHello h = CorpusFixtures.firstClientHello("ntop+nDPI/tests/cfgs/default/pcap/tunnelbear.pcap",
                Endpoint.parse("10.8.0.1:60224"));
        assertTrue(h.extensionTypes().contains(0x0032));
        assertEquals("t00d010700_0f2cb44170f4_8e1d4e45f8f1", Ja4.of(h, 't'));
    }

    @Test
    void countsAreCappedAt99() {
        // ja3_lots_of_cipher_suites.pcap offers 350 cipher suites (value computed with python hashlib)
        ClientHello lots = CorpusFixtures.firstClientHello("ntop+nDPI/tests/cfgs/default/pcap/ja3_lots_of_cipher_suites.pcap",
                Endpoint.parse("10.206.131.18:58657"));
        assertEquals(350, lots.cipherSuites().size());
        assertEquals("t12i990300_28808c40d9f1_1e2a54cae03f", Ja4.of(lots, 't'));
        assertEquals(350, Ja4.raw(lots, 't').split("_")[1].split(",").length, "raw keeps every cipher");
        HelloBuilder b = edit();
        for (int t = 0x1000; t < 0x1000 + 100; t++) {
            b.extensions.add(t);
        }
        assertEquals("t13d1599h2", ja4(b).substring(0, 10));
    }

    @ParameterizedTest(name = "legacy {0}, supported_versions [{1}] -> {2}")
    @CsvSource({
        "0303, '',                  12",
        "0302, '',                  11",
        "0301, '',                  10",
        "0300, '',                  s3",
        "0002, '',                  s2",
        "0200, '',                  00",     // not a version number the spec lists
        "0303, '0304,0303',         13",
        "0303, '0303,0304',         13",     // the highest, not the first
        "0303, '7f12,0303,0302',    00",     // TLS 1.3 draft 18 (arkime tls13.pcap: Arkime, nDPI agree)
        "0303, '7f1c,0304',         00",     // numerically highest is the draft
        "0303, '0a0a',              12",     // only GREASE: fall back to legacy_version
        "fefd, '',                  d2",
        "0304, '',                  13",
    })
    void versionCodes(String legacy, String supported, String expected) {
        HelloBuilder b = edit();
        b.handshakeVersion = Integer.parseInt(legacy, 16);
        b.supportedVersions = hex(supported);
        if (supported.isEmpty()) {
            b.extensions.removeIf(t -> t == 0x002b);
        }
        assertEquals(expected, ja4(b).substring(1, 3));
    }

    @Test
    void transports() {
        assertEquals("q" + CHROME_JA4.substring(1), Ja4.of(chrome(), 'q'));
        assertEquals("d" + CHROME_JA4.substring(1), Ja4.of(chrome(), 'd'));
        assertThrows(IllegalArgumentException.class, () -> Ja4.of(chrome(), 'x'));
    }

    @Test
    void sslv2FormatHelloHasNoJa4() {
        // suricata-verify sslv2-tls-upgrade-01: an SSLv2-format CLIENT-HELLO offering TLS 1.0
        ClientHello v2 = CorpusFixtures.firstClientHello("OISF+suricata-verify/tests/sslv2-tls-upgrade-01/ssl-v2-s1.pcap",
                Endpoint.parse("10.150.98.145:1660"));
        assertTrue(v2.sslv2Format());
        assertNull(Ja4.of(v2, 't'));
        assertNull(Ja4.raw(v2, 't'));
        assertNull(Ja4.originalOrder(v2, 't'));
        assertNull(Ja4.rawOriginalOrder(v2, 't'));
    }

    private static List<Integer> hex(String csv) {
        return new ArrayList<>(CorpusFixtures.hexList(csv));
    }
}
