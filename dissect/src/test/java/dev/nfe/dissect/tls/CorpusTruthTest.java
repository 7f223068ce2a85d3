package dev.nfe.dissect.tls;

import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ServerHello;
import dev.nfe.dissect.report.Alert;
import dev.nfe.dissect.testdata.SharedDir;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The decoder against the corpus ground truth itself ({@code <capture>.truth.jsonl}, made by
 * tshark_truth.py; never edited): first ClientHello and ServerHello fields, every alert, and the
 * sequence of plaintext handshake types per direction, for each fixture cut from the corpus.
 * Skipped without the shared corpus, failed under CI=true ({@link SharedDir}).
 */
class CorpusTruthTest {

    static List<String> corpusFixtures() {
        return Fixtures.ALL.stream().filter(n -> Fixture.load(n).source.startsWith("corpus:")).toList();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("corpusFixtures")
    @SuppressWarnings("unchecked")
    void agreesWithTruthFile(String name) throws IOException {
        Path corpus = SharedDir.require("corpus");
        Fixture f = Fixture.load(name);
        Path truthFile = corpus.resolve(f.source.substring("corpus:".length()) + ".truth.jsonl");
        Map<String, Object> truth = null;
        for (String line : Files.readAllLines(truthFile)) {
            Map<String, Object> t = MiniJson.object(line);
            if (((Long) t.get("stream")).intValue() == f.tcpStream) {
                truth = t;
            }
        }
        // a fixture cut from the corpus names its stream; one missing from the truth is a broken fixture
        assertNotNull(truth, "stream " + f.tcpStream + " of " + f.source + " is not in " + truthFile);
        TlsContext context = new TlsContext(TlsLimits.DEFAULT);
        RecordingEvents c2s = Feeding.segments(f.direction('C'), context);
        RecordingEvents s2c = Feeding.segments(f.direction('S'), context);

        Map<String, Object> ch = (Map<String, Object>) truth.get("client_hello");
        RecordingEvents.Event ourCh = c2s.first("clientHello");
        if (ch == null) {
            assertEquals(null, ourCh, "no ClientHello in the truth");
        } else {
            ClientHello h = (ClientHello) ourCh.value();
            assertEquals(ch.get("frame"), ourCh.frame(), "client_hello.frame");
            assertEquals(ch.get("sslv2_format"), h.sslv2Format(), "sslv2_format");
            assertEquals(ch.get("record_version"), h.sslv2Format() ? null : hex4(h.recordVersion()), "record_version");
            assertEquals(ch.get("handshake_version"), hex4(h.handshakeVersion()), "handshake_version");
            assertEquals(((Long) ch.get("cipher_count")).intValue(), h.cipherSuites().size(), "cipher_count");
            assertEquals(ch.get("sni"), h.sni(), "sni");
            assertEquals(ch.get("alpn"), h.alpn(), "alpn");
            assertEquals(longs(ch.get("extension_types")), h.extensionTypes(), "extension_types");
            assertEquals(ch.get("supported_versions"), h.supportedVersions().stream().map(CorpusTruthTest::hex4).toList(),
                    "supported_versions");
            if (ch.get("tcp_segments") != null) {
                assertEquals(((Long) ch.get("tcp_segments")).intValue(), h.tcpSegments(), "tcp_segments");
            }
            if (h.sslv2Format()) {
                assertEquals(((Long) ch.get("sslv2_cipher_spec_len")).intValue(), 3 * h.cipherSuites().size());
                assertEquals(((Long) ch.get("sslv2_challenge_length")).intValue(), h.challengeLength());
            } else {
                assertEquals(ch.get("grease"), h.grease(), "grease");
            }
        }

        Map<String, Object> sh = (Map<String, Object>) truth.get("server_hello");
        RecordingEvents.Event ourSh = s2c.first("serverHello");
        if (sh == null || (Long) sh.get("frame") > f.lastFrame('S')) {
            assertEquals(null, ourSh, "no ServerHello in the truth");
        } else {
            ServerHello h = (ServerHello) ourSh.value();
            assertEquals(sh.get("frame"), ourSh.frame(), "server_hello.frame");
            assertEquals(sh.get("cipher"), h.sslv2Format() ? hex6(h.cipher()) : hex4(h.cipher()), "cipher");
            assertEquals(sh.get("handshake_version"), hex4(h.handshakeVersion()), "server handshake_version");
            if (!name.equals("odd-selected-version-0x002c")) { // see TsharkAgreementTest.KNOWN
                assertEquals(sh.get("selected_version"), hex4(h.selectedVersion()), "selected_version");
            }
            if (!h.sslv2Format()) {
                assertEquals(sh.get("hello_retry_request"), h.helloRetryRequest(), "hello_retry_request");
                assertEquals(sh.get("record_version"), hex4(h.recordVersion()), "server record_version");
            }
        }

        List<String> expectedAlerts = new ArrayList<>();
        for (Map<String, Object> a : (List<Map<String, Object>>) truth.get("alerts")) {
            char dir = "c2s".equals(a.get("direction")) ? 'C' : 'S';
            if ((Long) a.get("frame") <= f.lastFrame(dir)) {
                expectedAlerts.add(a.get("frame") + " " + dir + " encrypted=" + a.get("encrypted") + " description="
                        + (a.get("description") == null ? -1 : a.get("description")));
            }
        }
        List<String> ourAlerts = new ArrayList<>();
        for (RecordingEvents.Event e : c2s.of("alert")) {
            ourAlerts.add(describe(e, 'C'));
        }
        for (RecordingEvents.Event e : s2c.of("alert")) {
            ourAlerts.add(describe(e, 'S'));
        }
        ourAlerts.sort(null);
        expectedAlerts.sort(null);
        assertEquals(expectedAlerts, ourAlerts, "alerts");

        assertEquals(truncate((List<Object>) truth.get("handshake_types_c2s"), f, 'C'), types(c2s),
                "handshake_types_c2s");
        assertEquals(truncate((List<Object>) truth.get("handshake_types_s2c"), f, 'S'), types(s2c),
                "handshake_types_s2c");
    }

    private static String describe(RecordingEvents.Event e, char dir) {
        Alert a = (Alert) e.value();
        return e.frame() + " " + dir + " encrypted=" + a.encrypted() + " description=" + a.description();
    }

    /** The truth lists types of the whole connection; a cut fixture has a prefix of them. */
    private static List<Long> truncate(List<Object> types, Fixture f, char dir) {
        List<Long> out = new ArrayList<>();
        for (Object t : types) {
            out.add((Long) t);
        }
        long kept = f.tshark(dir).stream().filter(u -> "hs".equals(u.get("kind"))).count();
        return out.subList(0, (int) Math.min(kept, out.size()));
    }

    private static List<Long> types(RecordingEvents events) {
        List<Long> out = new ArrayList<>();
        for (RecordingEvents.Event e : events.of("handshakeMessage")) {
            int type = ((int[]) e.value())[0];
            out.add((long) (type >= 0x100 ? type - 0x100 : type));
        }
        return out;
    }

    private static List<Integer> longs(Object list) {
        List<Integer> out = new ArrayList<>();
        for (Object o : (List<?>) list) {
            out.add(((Long) o).intValue());
        }
        return out;
    }

    static String hex4(int v) {
        return String.format("0x%04x", v);
    }

    static String hex6(int v) {
        return String.format("0x%06x", v);
    }
}
