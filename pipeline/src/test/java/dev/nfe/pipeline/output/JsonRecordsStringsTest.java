package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Strings from the wire, end to end: hostile-strings.pcap (made by
 * src/test/fixtures/make-hostile-strings.sh with OpenSSL 3 on loopback) carries an SNI with
 * control characters, quotes, a backslash, 2-, 3- and 4-byte UTF-8 and invalid UTF-8; an ALPN list
 * with control bytes and a byte above 0x7f; a certificate whose subject has quotes, a backslash, a
 * comma and non-ASCII text; IPv6 on loopback. Every line must parse strictly and give back exactly
 * the domain's strings, wherever they sit: member values, list elements and object keys.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonRecordsStringsTest {
    /** The bytes the script puts in the first connection's server_name, and in the second's. */
    static final byte[] SNI_A = bytes("b\u00c3\u00bccher.\u0001\u001f\"q\"\\.\u00e4\u00be\u008b.\u00f0\u009f\u0094\u0092.\u00ff\u00fe.example");
    static final byte[] SNI_B = bytes("tab\there \"and\" \\back.example");
    /** The script's ALPN list, element by element. */
    static final List<byte[]> ALPN_A = List.of(bytes("h2"), bytes("\u0001\u007f\"\\\u00ff"), bytes("http/1.1"));

    private RecordedRun run;
    private List<SessionRecord> sessions;
    private List<JsonNode> sessionJson;
    /** Which session is which connection of the script (found by what it is, not by output order). */
    private int tls12;
    private int alerted;
    private int tls13;
    private int noSni;
    private int refused;

    /** Latin-1: one char per byte, so the literal above spells the bytes on the wire. */
    private static byte[] bytes(String latin1) {
        return latin1.getBytes(StandardCharsets.ISO_8859_1);
    }

    @BeforeAll
    void replay() throws Exception {
        run = RecordedRun.of(List.of(RecordedRun.hostileStrings()));
        sessions = run.all(SessionRecord.class);
        sessionJson = run.linesOf("session").stream().map(RecordedRun::parse).toList();
        assertEquals(7, sessions.size(), "the script makes 7 connections");
        tls12 = index(n -> n.path("server").asText().equals("127.0.0.1:44301") && n.path("outcome").asText().equals("COMPLETED"));
        alerted = index(n -> n.path("server").asText().equals("127.0.0.1:44301")
                && n.path("outcome").asText().equals("SERVER_ALERT"));
        tls13 = index(n -> n.path("server").asText().equals("[::1]:44302")
                && "plain.example".equals(n.path("client_hello").path("sni").textValue()));
        noSni = index(n -> n.path("server").asText().equals("[::1]:44302") && n.path("client_hello").path("sni").isNull());
        refused = index(n -> n.path("server").asText().equals("[::1]:44303"));
    }

    private int index(java.util.function.Predicate<JsonNode> which) {
        for (int i = 0; i < sessionJson.size(); i++) {
            if (which.test(sessionJson.get(i))) {
                return i;
            }
        }
        throw new AssertionError("no such session among " + sessionJson);
    }

    @Test
    void everyLineMatchesItsDomainRecord() {
        for (RecordedRun.Line l : run.lines()) {
            JsonNode n = RecordedRun.parse(l);
            JsonNode want = switch (l.kind()) {
                case "session" -> Expected.session((SessionRecord) l.value());
                case "finding" -> Expected.finding((Finding) l.value());
                case "incident" -> Expected.incident((Incident) l.value());
                default -> Expected.summary((RunSummary) l.value());
            };
            assertEquals(List.of(), JsonDiff.diff(want, n), l.kind());
        }
    }

    @Test
    void theSniWithControlCharactersQuotesAndEveryUtf8LengthComesBackExactly() {
        // SNI is host_name bytes read as UTF-8; the two invalid bytes become U+FFFD (one each)
        String sni = new String(SNI_A, StandardCharsets.UTF_8);
        assertTrue(sni.contains("\u0001\u001f\"q\"\\") && sni.contains("\u4f8b") && sni.contains("\ud83d\udd12")
                && sni.contains("\ufffd\ufffd"), sni);
        assertEquals(sni, sessions.get(tls12).sni(), "the decoder kept the hostile name");
        assertEquals(sni, sessionJson.get(tls12).path("client_hello").path("sni").textValue());

        String line = new String(run.linesOf("session").get(tls12).bytes(), StandardCharsets.UTF_8);
        // RFC 8259 section 7: control characters escaped, quote and backslash escaped
        assertTrue(line.contains("\\u0001\\u001f\\\"q\\\"\\\\."), line);
        for (char c : line.toCharArray()) {
            assertTrue(c >= 0x20, "a raw control character in " + line);
        }
    }

    @Test
    void alpnNamesAreTheirBytesOneCharacterEach() {
        List<String> want = ALPN_A.stream().map(b -> new String(b, StandardCharsets.ISO_8859_1)).toList();
        assertEquals(want, sessions.get(tls12).clientHello().hello().alpn());
        JsonNode alpn = sessionJson.get(tls12).path("client_hello").path("alpn");
        assertEquals(3, alpn.size());
        for (int i = 0; i < 3; i++) {
            assertEquals(want.get(i), alpn.get(i).textValue());
        }
        // the server picked h2: a string, not a list
        assertEquals("h2", sessionJson.get(tls12).path("server_hello").path("alpn").textValue());
    }

    @Test
    void theCertificatesNamesComeBackExactly() {
        JsonNode certs = sessionJson.get(tls12).path("certificates");
        assertEquals(1, certs.size(), "the server's self-signed certificate (TLS 1.2: in the clear)");
        String subject = sessions.get(tls12).certificates().get(0).subject();
        assertTrue(subject.contains("b\u00fccher") && subject.contains("\\\"quoted\\\"") && subject.contains("\\")
                && subject.contains("Caf\u00e9 \u4f8b"), subject);
        assertEquals(subject, certs.get(0).path("subject").textValue());
        assertEquals(sessions.get(tls12).certificates().get(0).san(),
                elements(certs.get(0).path("san")).stream().map(JsonNode::textValue).toList());
    }

    @Test
    void aHostileSniInAFindingAndAsAnIncidentsObjectKey() {
        String sniB = new String(SNI_B, StandardCharsets.UTF_8);
        RecordedRun.Line line = run.linesOf("finding").stream()
                .filter(l -> ((Finding) l.value()).kind().name().equals("SERVER_ALERT")).findFirst().orElseThrow();
        JsonNode finding = RecordedRun.parse(line);
        assertEquals(sniB, finding.path("sni").textValue());
        Finding f = (Finding) line.value();
        assertEquals(f.summary(), finding.path("summary").textValue());

        JsonNode incident = run.linesOf("incident").stream().map(RecordedRun::parse)
                .filter(n -> n.path("kind").textValue().equals("SERVER_ALERT")).findFirst().orElseThrow();
        assertEquals(1, incident.path("snis").size(), incident.toString());
        assertEquals(2, incident.path("snis").path(sniB).asLong(), "the SNI is the key: " + incident);
    }

    @Test
    void alertsPlaintextWithLevelAndDescriptionEncryptedWithNulls() {
        JsonNode alert = sessionJson.get(alerted).path("alerts").get(0);
        assertEquals("server", alert.path("from").textValue());
        assertEquals(false, alert.path("encrypted").booleanValue());
        assertEquals(2, alert.path("level").intValue());
        assertEquals(70, alert.path("description").intValue());
        assertEquals("protocol_version", alert.path("name").textValue());
        for (JsonNode a : sessionJson.get(tls12).path("alerts")) { // close_notify under TLS 1.2 encryption
            assertTrue(a.path("encrypted").booleanValue() && a.path("level").isNull() && a.path("description").isNull()
                    && a.path("name").isNull(), a.toString());
        }
        assertEquals(2, sessionJson.get(tls12).path("alerts").size());
    }

    @Test
    void ipv6LoopbackEndpointsAndAbsentHelloesAndRsts() throws Exception {
        JsonNode v6 = sessionJson.get(tls13);
        assertTrue(v6.path("client").textValue().matches("\\[::1\\]:\\d+"), v6.path("client").toString());
        assertEquals("[::1]:44302", v6.path("server").textValue());
        assertEquals("plain.example", v6.path("client_hello").path("sni").textValue());
        assertEquals("0x0304", v6.path("server_hello").path("selected_version").textValue());
        assertEquals(List.of(), elements(v6.path("certificates")), "TLS 1.3 certificates are encrypted: []");

        JsonNode bare = sessionJson.get(noSni);
        assertTrue(bare.path("client_hello").path("sni").isNull(), "no SNI is null, not \"\": " + bare);
        assertTrue(bare.path("client_hello").path("alpn").isArray() && bare.path("client_hello").path("alpn").isEmpty());

        JsonNode refusal = sessionJson.get(refused);
        assertEquals("CONNECTION_REFUSED", refusal.path("outcome").textValue());
        assertEquals("[::1]:44303", refusal.path("server").textValue());
        assertTrue(refusal.path("client_hello").isNull() && refusal.path("server_hello").isNull(), refusal.toString());
        assertEquals("server", refusal.path("rst").path("by").textValue());
        assertTrue(refusal.path("rst").path("after_client_hello_us").isNull(), "no hello, no delay: " + refusal);
        assertEquals("server", refusal.path("rst_from").get(0).textValue());
        assertTrue(v6.path("rst").isNull() && v6.path("rst_from").isEmpty(), "no RST: null and []");
    }

    private static List<JsonNode> elements(JsonNode array) {
        List<JsonNode> out = new java.util.ArrayList<>();
        array.forEach(out::add);
        return out;
    }
}
