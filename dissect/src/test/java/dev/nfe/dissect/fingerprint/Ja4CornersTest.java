package dev.nfe.dissect.fingerprint;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * JA4's corner cases on real hellos: {@code fingerprint/ja4-corners.pcap} holds one connection
 * per corner, made by openssl s_client against s_server on loopback
 * ({@code src/test/fixtures/make_ja4_corners.sh}). The capture goes through nfe's own reader,
 * decoder and dissector, and every form (ja4, ja4_r, ja4_o, ja4_ro) is compared with what FoxIO's
 * python reference printed for the same file ({@code ja4-corners.foxio-python.tsv}).
 *
 * <p>They agree on everything but the two ALPN characters where the first ALPN name starts or
 * ends with a byte that is not ASCII alphanumeric. There JA4.md says (since its ALPN section was
 * rewritten in 2024, examples added in 2026): print the first and last characters of the
 * name's hex form. FoxIO's python and rust still print "99" for a non-ASCII first byte (rust:
 * '9' per non-ASCII character) and the raw character otherwise, even a space or '_', which
 * breaks the fingerprint's own '_' framing; FoxIO's own test data (tls-non-ascii-alpn.pcapng,
 * first name ba ad) has "99". JA4's author ruled that "the documentation is the correct method"
 * (FoxIO-LLC/ja4 issue 178) and the python fix is open (issue 326), so nfe follows the spec.
 * Each row names both renderings, and the test requires FoxIO's value to be ours with exactly
 * that substitution: any other difference fails.
 */
class Ja4CornersTest {
    private static final Map<Integer, ClientHelloInfo> HELLOS = new HashMap<>();
    private static final Map<Integer, String[]> FOXIO = new HashMap<>();

    @BeforeAll
    static void read() throws IOException {
        Path pcap = Path.of(System.getProperty("nfe.root", "..")).resolve("dissect/src/test/resources/fingerprint/ja4-corners.pcap");
        Dissector d = new Dissector(DissectorConfig.defaults("ja4-corners"), new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
                if (s.clientHello() != null) {
                    HELLOS.put(s.client().port(), s.clientHello());
                }
            }

            @Override
            public void finding(Finding f) {
            }
        });
        long[] last = {0};
        SegmentDecoder decoder = new SegmentDecoder(s -> {
            d.segment(s);
            last[0] = Math.max(last[0], s.timestampNanos());
        });
        try (FrameSource src = CaptureFiles.open(pcap)) {
            while (src.next(decoder)) {
                // every frame
            }
        }
        d.finish(last[0]);
        try (InputStream in = Files.newInputStream(pcap.resolveSibling("ja4-corners.foxio-python.tsv"))) {
            for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
                if (!line.isEmpty() && !line.startsWith("#")) {
                    String[] f = line.split("\t", -1);
                    FOXIO.put(Integer.parseInt(f[0]), f);
                }
            }
        }
    }

    @ParameterizedTest(name = "stream {0}: {1}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', textBlock = """
        # stream | case                              | JA4.md | FoxIO python
        0        | ALPN ba ad (FoxIO's non-ASCII case) | bd     | 99
        1        | ALPN ' a': first byte a space     | 21     | " a"
        2        | ALPN 'a ': last byte a space      | 60     | "a "
        3        | ALPN 'x': one character           | xx     | x
        4        | ALPN ab: one non-ASCII byte       | ab     | 99
        5        | ALPN '__': ASCII, not alphanumeric | 5f    | __
        6        | ALPN 30 ab: last byte non-ASCII   | 3b     | 0\uFFFD
        7        | ALPN http/1.1,h2                  | h1     | h1
        8        | ALPN h2                           | h2     | h2
        9        | no ALPN, no SNI                   | 00     | 00
        10       | TLS 1.0: no supported_versions, no signature_algorithms | 00 | 00
        11       | TLS 1.1                           | 00     | 00
        12       | TLS 1.2 only: legacy_version      | 00     | 00
        13       | TLS 1.3 only: SCSV counted        | 00     | 00
        14       | 89 suites + SCSV                  | 00     | 00
        """)
    void agreesWithFoxIoExceptTheDocumentedAlpnRule(int stream, String what, String spec, String python) {
        String[] foxio = FOXIO.get(stream);
        assertNotNull(foxio, "stream " + stream + " missing from FoxIO's output");
        ClientHelloInfo info = HELLOS.get(Integer.parseInt(foxio[1]));
        assertNotNull(info, "no ClientHello decoded from client port " + foxio[1]);
        ClientHello h = info.hello();
        String pythonAlpn = python.replace("\\uFFFD", "\uFFFD");
        List<String> ours = List.of(info.ja4(), Ja4.raw(h, 't'), Ja4.originalOrder(h, 't'), Ja4.rawOriginalOrder(h, 't'));
        assertEquals(Ja4.of(h, 't'), info.ja4(), "the session's ja4 is Ja4.of of its hello");
        for (int form = 0; form < 4; form++) {
            String mine = ours.get(form);
            assertEquals(spec, mine.substring(8, 10), what);
            assertEquals(foxio[2 + form], mine.substring(0, 8) + pythonAlpn + mine.substring(10),
                    what + ": form " + List.of("ja4", "ja4_r", "ja4_o", "ja4_ro").get(form));
        }
    }
}
