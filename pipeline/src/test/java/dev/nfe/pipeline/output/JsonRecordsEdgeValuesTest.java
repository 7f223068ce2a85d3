package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.CertificateInfo;
import dev.nfe.dissect.report.ClientHello;
import dev.nfe.dissect.report.ClientHelloInfo;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * Values no capture here holds, put into real records: strings that UTF-8 cannot carry (a lone
 * UTF-16 surrogate: Java strings can hold one, and Bouncy Castle reads a certificate's BMPString
 * unit by unit), NUL and DEL, U+2028, text that looks like an escape, a string far past the
 * writer's first buffer; and times at the edges of the microsecond format. A lone surrogate must
 * come out as U+FFFD (JsonWriter's documented choice); everything else exactly.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonRecordsEdgeValuesTest {
    static final List<String> STRINGS = List.of(
            "\u0000nul \u007fdel \u2028\u2029 line separators",
            "\\u0041 is not A, \\\" is not a quote, /slash/",
            "caf\u00e9 \u4f8b \ud83d\udd12 with a lone \ud800 high and \udc00 low surrogate, \udc00\ud800 reversed",
            "x".repeat(70_000) + "\u00e9\u0001");

    /** Lone surrogates in otherwise ASCII strings: see {@link #aLoneSurrogateInAnAsciiStringBecomesUfffd}. */
    static final List<String> ASCII_WITH_LONE_SURROGATES = List.of("a\ud800b", "\ud83d", "\udc00\ud800 reversed pair");

    private SessionRecord session;
    private Finding finding;
    private Incident incident;

    @BeforeAll
    void realRecords() throws Exception {
        RecordedRun run = RecordedRun.of(List.of(RecordedRun.hostileStrings()));
        // the TLS 1.2 connection: a hello with SNI and ALPN, and a certificate
        session = run.all(SessionRecord.class).stream().filter(s -> !s.certificates().isEmpty()).findFirst().orElseThrow();
        finding = run.all(Finding.class).get(0);
        incident = run.all(Incident.class).get(0);
    }

    /** What a JSON reader must get back for {@code s}: each unpaired surrogate replaced by U+FFFD. */
    static String readable(String s) {
        StringBuilder sb = new StringBuilder();
        s.codePoints().forEach(cp -> sb.appendCodePoint(cp >= 0xd800 && cp <= 0xdfff ? 0xfffd : cp));
        return sb.toString();
    }

    @Test
    void everyStringMemberOfEveryRecordKindRoundTrips() {
        JsonRenderer renderer = new JsonRenderer();
        for (String x : STRINGS) {
            check(x, renderer);
        }
    }

    @Test
    void aLoneSurrogateInAnAsciiStringBecomesUfffd() {
        JsonRenderer renderer = new JsonRenderer();
        for (String x : ASCII_WITH_LONE_SURROGATES) {
            check(x, renderer);
        }
    }

    private void check(String x, JsonRenderer renderer) {
        String back = readable(x);
        String what = "string " + escape(x);
        JsonNode s = StrictJson.parse(line(renderer.session(strings(session, x))));
        assertEquals(List.of(), JsonDiff.diff(Expected.session(strings(session, back)), s), what);
        JsonNode f = StrictJson.parse(line(renderer.finding(strings(finding, x))));
        assertEquals(List.of(), JsonDiff.diff(Expected.finding(strings(finding, back)), f), what);
        JsonNode i = StrictJson.parse(line(renderer.incident(strings(incident, x))));
        assertEquals(List.of(), JsonDiff.diff(Expected.incident(strings(incident, back)), i), what);
        JsonNode r = StrictJson.parse(line(renderer.summary(summary(x, "127.0.0.1:443"))));
        assertEquals(List.of(), JsonDiff.diff(Expected.summary(summary(back, "127.0.0.1:443")), r), what);
        JsonNode c = StrictJson.parse(line(renderer.captureStats(stats(x, 1_700_000_000_123_456_789L, 0))));
        assertEquals(List.of(), JsonDiff.diff(Expected.captureStats(stats(back, 1_700_000_000_123_456_789L, 0)), c), what);
    }

    @Test
    void timesAtTheEdgesOfTheMicrosecondFormat() {
        JsonRenderer renderer = new JsonRenderer();
        long[] times = {
            1L,                              // 1970-01-01T00:00:00.000000Z: below a microsecond
            -1L,                             // 1969-12-31T23:59:59.999999Z: before the epoch
            999_999_999L,                    // .999999, truncated, never rounded up into the next second
            1_700_000_000_000_000_000L,      // a whole second: .000000
            4_102_444_800_000_000_000L,      // 2100-01-01T00:00:00.000000Z
            Long.MAX_VALUE,                  // 2262-04-11T23:47:16.854775Z
        };
        for (long t : times) {
            for (long event : new long[] {0, t}) {
                CaptureStats stats = stats("agent/lo", t, event);
                JsonNode n = StrictJson.parse(line(renderer.captureStats(stats)));
                assertEquals(List.of(), JsonDiff.diff(Expected.captureStats(stats), n), "time " + t + " event " + event);
                JsonRecordsSessionTest.ts(n.path("ts"), "time " + t);
            }
        }
        assertEquals("1969-12-31T23:59:59.999999Z", Wire.iso(-1));
        assertEquals("2262-04-11T23:47:16.854775Z", Wire.iso(Long.MAX_VALUE));
    }

    @Test
    void theIndependentRfc5952FormatterAgreesWithTheRfcsExamples() {
        // RFC 5952 sections 4.2.1 to 4.2.3 and 4.3
        assertEquals("2001:db8::1", Wire.rfc5952(v6("2001:0db8:0000:0000:0000:0000:0000:0001")));
        assertEquals("2001:db8:0:1:1:1:1:1", Wire.rfc5952(v6("2001:db8:0:1:1:1:1:1")));
        assertEquals("2001:0:0:1::1", Wire.rfc5952(v6("2001:0:0:1:0:0:0:1")));
        assertEquals("2001:db8::1:0:0:1", Wire.rfc5952(v6("2001:db8:0:0:1:0:0:1")));
        assertEquals("::", Wire.rfc5952(new byte[16]));
        assertEquals("::1", Wire.rfc5952(v6("::1")));
        assertEquals("fe80::", Wire.rfc5952(v6("fe80::")));
        assertEquals("2001:db8:aaaa:bbbb:cccc:dddd:eeee:aaaa", Wire.rfc5952(v6("2001:DB8:AAAA:BBBB:CCCC:DDDD:EEEE:AAAA")));
        // and the writer: an endpoint from each of those addresses
        JsonRenderer renderer = new JsonRenderer();
        for (String a : List.of("2001:db8:0:0:1:0:0:1", "2001:0:0:1:0:0:0:1", "fe80::", "::1", "2001:db8:0:1:1:1:1:1")) {
            Endpoint server = Endpoint.parse("[" + a + "]:443");
            JsonNode n = StrictJson.parse(line(renderer.session(withServer(session, server))));
            assertEquals("[" + Wire.rfc5952(v6(a)) + "]:443", n.path("server").textValue(), a);
        }
    }

    private static byte[] v6(String text) {
        try {
            return java.net.InetAddress.getByName(text).getAddress();
        } catch (java.net.UnknownHostException e) {
            throw new IllegalArgumentException(text, e);
        }
    }

    private static byte[] line(byte[] withNewline) {
        assertEquals('\n', withNewline[withNewline.length - 1]);
        return java.util.Arrays.copyOf(withNewline, withNewline.length - 1);
    }

    private static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        s.chars().limit(80).forEach(c -> sb.append(c < 0x20 || c > 0x7e ? String.format("\\u%04x", c) : String.valueOf((char) c)));
        return sb.toString();
    }

    private static CaptureStats stats(String source, long wall, long event) {
        return new CaptureStats(source, wall, event, event == 0, 10, 8, 12, 1, 0, 1, 0);
    }

    @Test
    void aServerKeyOfTheSummaryIsEscapedLikeData() {
        JsonRenderer renderer = new JsonRenderer();
        for (String x : STRINGS) {
            JsonNode r = StrictJson.parse(line(renderer.summary(summary(x, x))));
            assertEquals(List.of(), JsonDiff.diff(Expected.summary(summary(readable(x), readable(x))), r), escape(x));
        }
    }

    /** A summary with {@code x} in every string: capture, skip reason, error, counter name; {@code server} as the server key. */
    private static RunSummary summary(String x, String server) {
        Map<String, Long> outcomes = new LinkedHashMap<>();
        outcomes.put("COMPLETED", 3L);
        Map<String, Map<String, Long>> servers = new LinkedHashMap<>();
        servers.put(server, Map.of("COMPLETED", 2L));
        servers.put("[2001:db8::1]:443", Map.of("COMPLETED", 1L));
        Map<String, Long> skipped = new LinkedHashMap<>();
        skipped.put(x, 4L);
        return new RunSummary(outcomes, servers, true,
                List.of(new RunSummary.CaptureReport(x, 10, 8, 3, 0, skipped, x),
                        new RunSummary.CaptureReport("b.pcap", 1, 0, 0, 0, Map.of(), null)),
                Map.of(x, 7L));
    }

    private static Finding strings(Finding f, String x) {
        return new Finding(f.findingId(), f.kind(), f.severity(), f.tsNanos(), x, f.client(), f.server(), x, f.flowId(), x, x,
                f.evidenceFrames(), f.confidence(), f.captureLoss());
    }

    private static Incident strings(Incident i, String x) {
        Map<String, Long> snis = new LinkedHashMap<>();
        snis.put(x, 2L);
        snis.put("(none)", 1L);
        return new Incident(i.incidentId(), i.fault(), i.kind(), i.severity(), i.server(), List.of(x), i.firstTsNanos(),
                i.lastTsNanos(), i.count(), i.kinds(), i.distinctClients(), i.clientsCapped(), List.of(x), Map.of(x, 3L),
                snis, Map.of(x, 1L), i.medianAfterHelloMicros(), i.rstTtlMatches(), i.rstTtlMismatches(), x,
                i.unanswered(), i.okDuring(), i.failedShare(), i.recurrence(),
                List.of(new dev.nfe.dissect.incident.Discriminator("sni", x, 3, 3, 0, 5)), i.state(),
                List.of(x, "other.pcap"), i.sampleFindingIds(), x);
    }

    private static SessionRecord withServer(SessionRecord s, Endpoint server) {
        return new SessionRecord(s.capture(), s.flowId(), s.client(), server, s.clientBasis(), s.firstTsNanos(),
                s.lastTsNanos(), s.firstFrame(), s.lastFrame(), s.packets(), s.bytesC2s(), s.bytesS2c(), s.synSeen(),
                s.synackSeen(), s.outcome(), s.reason(), s.clientHello(), s.serverHello(), s.clientHelloCount(),
                s.serverHelloCount(), s.certificates(), s.alerts(), s.rstFrom(), s.rstFrames(), s.finFrom(),
                s.resetAfterClientHello(), s.rst(), s.abort(), s.abruptClose(), s.starttls(), s.gaps(), s.captureLoss(), s.anomalies(), s.history());
    }

    /** {@code s} with {@code x} in every string member: capture, reason, SNI, ALPN, certificate names, STARTTLS, anomalies, history. */
    private static SessionRecord strings(SessionRecord s, String x) {
        ClientHelloInfo ci = s.clientHello();
        ClientHello h = ci.hello();
        ClientHello hostile = new ClientHello(h.sslv2Format(), h.recordVersion(), h.handshakeVersion(), h.cipherSuites(),
                h.compressionMethods(), h.sessionIdLength(), h.challengeLength(), h.extensionTypes(), x,
                List.of(x, "h2"), h.supportedVersions(), h.supportedGroups(), h.ecPointFormats(), h.signatureAlgorithms(),
                h.messageLength(), h.records(), h.tcpSegments());
        ClientHelloInfo info = new ClientHelloInfo(ci.frame(), ci.tsNanos(), hostile, x, x, x, ci.grease());
        List<CertificateInfo> certs = new ArrayList<>();
        for (CertificateInfo c : s.certificates()) {
            certs.add(new CertificateInfo(x, x, c.notBefore(), c.notAfter(), List.of(x), x, x, x, c.sha256()));
        }
        return new SessionRecord(x, x, s.client(), s.server(), s.clientBasis(), s.firstTsNanos(), s.lastTsNanos(),
                s.firstFrame(), s.lastFrame(), s.packets(), s.bytesC2s(), s.bytesS2c(), s.synSeen(), s.synackSeen(),
                s.outcome(), x, info, s.serverHello(), s.clientHelloCount(), s.serverHelloCount(), certs, s.alerts(),
                s.rstFrom(), s.rstFrames(), s.finFrom(), s.resetAfterClientHello(), s.rst(), s.abort(), s.abruptClose(), x, s.gaps(), s.captureLoss(),
                List.of(x, "list_capped"), x);
    }
}
