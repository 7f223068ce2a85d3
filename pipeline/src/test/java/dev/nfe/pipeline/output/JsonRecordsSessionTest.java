package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestReporter;

import java.net.InetAddress;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code session} lines of a real replay of every sound corpus capture, the loopback sample
 * and hostile-strings.pcap, against DESIGN.md's output contract: each line parsed by an
 * independent strict parser and compared, member by member, with the session it was written from
 * (rendered a second way by {@link Expected}); then the contract's formats checked on the text
 * itself, and the run checked to hold every case the contract distinguishes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonRecordsSessionTest {
    static final Pattern TS = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z");
    static final Pattern HEX4 = Pattern.compile("0x[0-9a-f]{4}");
    static final Pattern HEX6 = Pattern.compile("0x[0-9a-f]{6}");
    static final Pattern V4 = Pattern.compile("(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3})\\.(\\d{1,3}):(\\d{1,5})");
    static final Pattern V6 = Pattern.compile("\\[([0-9a-f:]+)\\]:(\\d{1,5})");
    static final Set<String> OUTCOMES = Set.of("COMPLETED", "RESET_AFTER_CLIENT_HELLO", "CLOSED_AFTER_CLIENT_HELLO",
            "SERVER_ALERT", "CLIENT_ALERT", "NON_TLS_RESPONSE", "NO_SERVER_RESPONSE", "RESET_DURING_HANDSHAKE",
            "CLOSED_DURING_HANDSHAKE", "CONNECTION_REFUSED", "NOT_TLS", "MIDSTREAM", "INDETERMINATE");

    private RecordedRun run;

    @BeforeAll
    void replay() throws Exception {
        List<Path> captures = new ArrayList<>(RecordedRun.corpus());
        captures.add(RecordedRun.loopbackSample());
        captures.add(RecordedRun.hostileStrings());
        run = RecordedRun.of(captures);
    }

    @Test
    void everyLineIsOneStrictJsonObjectNamingItsRecordKind() {
        Map<String, Integer> kinds = new TreeMap<>();
        for (RecordedRun.Line l : run.lines()) {
            JsonNode n = RecordedRun.parse(l);
            assertEquals(l.kind(), n.path("record").asText(), new String(l.bytes(), java.nio.charset.StandardCharsets.UTF_8));
            kinds.merge(l.kind(), 1, Integer::sum);
        }
        assertEquals("summary", run.lines().get(run.lines().size() - 1).kind(), "the summary ends the output");
        assertEquals(1, kinds.get("summary"), kinds.toString());
        assertTrue(kinds.get("session") > 900 && kinds.get("finding") > 200 && kinds.get("incident") > 5, kinds.toString());
    }

    @Test
    void everySessionMemberIsItsDomainValue(TestReporter reporter) {
        List<String> problems = new ArrayList<>();
        int sessions = 0;
        for (RecordedRun.Line l : run.linesOf("session")) {
            SessionRecord s = (SessionRecord) l.value();
            for (String d : JsonDiff.diff(Expected.session(s), RecordedRun.parse(l))) {
                problems.add(s.capture() + " " + s.client() + " -> " + s.server() + ": " + d);
            }
            sessions++;
        }
        reporter.publishEntry("sessions compared", String.valueOf(sessions));
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " differences");
    }

    /** The formats, read off the text alone: no domain value involved. */
    @Test
    void theContractsFormatsHoldOnTheTextItself() throws Exception {
        for (RecordedRun.Line l : run.linesOf("session")) {
            JsonNode n = RecordedRun.parse(l);
            SessionRecord s = (SessionRecord) l.value();
            String where = s.capture() + " " + n.path("client").asText();
            endpoint(n.path("client"), s.client(), where);
            endpoint(n.path("server"), s.server(), where);
            ts(n.path("first_ts"), where);
            ts(n.path("last_ts"), where);
            assertTrue(OUTCOMES.contains(n.path("outcome").asText()), where + " outcome " + n.path("outcome"));
            assertTrue(Set.of("syn", "synack", "client_hello", "server_hello", "port")
                    .contains(n.path("client_basis").asText()), where);
            for (String list : List.of("certificates", "alerts", "rst_from", "rst_frames", "fin_from", "anomalies")) {
                assertTrue(n.path(list).isArray(), where + ": " + list + " must be a list, [] when empty");
            }
            for (JsonNode r : n.path("rst_from")) {
                assertTrue(Set.of("client", "server").contains(r.asText()), where);
            }
            JsonNode ch = n.path("client_hello");
            if (!ch.isNull()) {
                ts(ch.path("ts"), where);
                boolean v2 = ch.path("sslv2_format").asBoolean();
                assertTrue(v2 ? ch.path("record_version").isNull() : HEX4.matcher(ch.path("record_version").asText()).matches(),
                        where + " record_version " + ch.path("record_version"));
                hexes(ch.path("cipher_suites"), v2 ? HEX6 : HEX4, where);
                hexes(ch.path("supported_versions"), HEX4, where);
                for (JsonNode t : ch.path("extension_types")) {
                    assertTrue(t.isInt() && t.asInt() >= 0 && t.asInt() <= 0xffff, where + " extension type " + t);
                }
                assertTrue(ch.path("alpn").isArray(), where);
                assertTrue(ch.path("sni").isNull() || ch.path("sni").isTextual(), where);
                assertTrue(ch.path("grease").isBoolean(), where);
            }
            JsonNode sh = n.path("server_hello");
            if (!sh.isNull()) {
                ts(sh.path("ts"), where);
                assertTrue((sh.path("sslv2_format").asBoolean() ? HEX6 : HEX4).matcher(sh.path("cipher").asText()).matches(),
                        where + " cipher " + sh.path("cipher"));
                assertTrue(HEX4.matcher(sh.path("selected_version").asText()).matches(), where);
            }
            for (JsonNode a : n.path("alerts")) {
                ts(a.path("ts"), where);
                if (a.path("encrypted").asBoolean()) {
                    assertTrue(a.path("level").isNull() && a.path("description").isNull(), where + " " + a);
                } else {
                    assertTrue(a.path("level").isInt() && a.path("description").isInt(), where + " " + a);
                }
            }
            JsonNode rst = n.path("rst");
            if (!rst.isNull()) {
                ts(rst.path("ts"), where);
                assertTrue(Set.of("client", "server").contains(rst.path("by").asText()), where);
            }
        }
    }

    /** The run holds every case the contract treats apart, so none of the checks above is vacuous. */
    @Test
    void theRunHoldsEveryCaseTheContractDistinguishes(TestReporter reporter) {
        Map<String, Integer> seen = new TreeMap<>();
        for (RecordedRun.Line l : run.linesOf("session")) {
            JsonNode n = RecordedRun.parse(l);
            JsonNode ch = n.path("client_hello");
            JsonNode sh = n.path("server_hello");
            count(seen, "ipv6", n.path("client").asText().startsWith("["));
            count(seen, "ipv6 compressed", n.path("server").asText().contains("::"));
            count(seen, "ipv6 uncompressed", n.path("client").asText().startsWith("[") && !n.path("client").asText().contains("::"));
            count(seen, "first_frame null", n.path("first_frame").isNull());
            count(seen, "client_hello null", ch.isNull());
            count(seen, "client_hello sslv2", ch.path("sslv2_format").asBoolean());
            count(seen, "client_hello tls", ch.isObject() && !ch.path("sslv2_format").asBoolean());
            count(seen, "sni null", ch.isObject() && ch.path("sni").isNull());
            count(seen, "sni non-ascii", ch.path("sni").asText().chars().anyMatch(c -> c > 0x7e));
            count(seen, "alpn []", ch.isObject() && ch.path("alpn").isEmpty());
            count(seen, "alpn", ch.path("alpn").size() > 0);
            count(seen, "grease", ch.path("grease").asBoolean());
            count(seen, "ja3 null", ch.isObject() && ch.path("ja3").isNull());
            count(seen, "server_hello null", sh.isNull());
            count(seen, "server_hello sslv2", sh.path("sslv2_format").asBoolean());
            count(seen, "hello_retry_request", sh.path("hello_retry_request").asBoolean());
            count(seen, "server alpn", sh.path("alpn").isTextual());
            count(seen, "certificates", n.path("certificates").size() > 0);
            count(seen, "alert encrypted", hasAlert(n, true));
            count(seen, "alert plaintext", hasAlert(n, false));
            count(seen, "rst null", n.path("rst").isNull());
            count(seen, "rst", n.path("rst").isObject());
            count(seen, "rst after_client_hello_us", n.path("rst").path("after_client_hello_us").isIntegralNumber());
            count(seen, "rst after_client_hello_us null", n.path("rst").isObject()
                    && n.path("rst").path("after_client_hello_us").isNull());
            count(seen, "starttls", n.path("starttls").isTextual());
            count(seen, "anomalies", n.path("anomalies").size() > 0);
            count(seen, "gaps", n.path("gaps").asLong() > 0);
            count(seen, "reason null", n.path("reason").isNull());
        }
        reporter.publishEntry("cases", seen.toString());
        List<String> missing = new ArrayList<>();
        for (String c : List.of("ipv6", "ipv6 compressed", "ipv6 uncompressed", "client_hello null", "client_hello sslv2",
                "client_hello tls", "sni null", "sni non-ascii", "alpn []", "alpn", "grease", "ja3 null", "server_hello null",
                "server_hello sslv2", "hello_retry_request", "server alpn", "certificates", "alert encrypted",
                "alert plaintext", "rst null", "rst", "rst after_client_hello_us", "starttls", "anomalies", "gaps")) {
            if (seen.getOrDefault(c, 0) == 0) {
                missing.add(c);
            }
        }
        assertEquals(List.of(), missing, "cases the run never showed: " + seen);
    }

    /** Each line is what a fresh renderer writes for its record: the worker's pre-rendered runs and caches change nothing. */
    @Test
    void aFreshRendererWritesTheSameBytes() {
        JsonRenderer fresh = new JsonRenderer();
        for (RecordedRun.Line l : run.lines()) {
            byte[] again = switch (l.kind()) {
                case "session" -> fresh.session((SessionRecord) l.value());
                case "finding" -> fresh.finding((dev.nfe.dissect.report.Finding) l.value());
                case "incident" -> fresh.incident((dev.nfe.dissect.incident.Incident) l.value());
                default -> fresh.summary((RunSummary) l.value());
            };
            assertArrayEquals(l.bytes(), Arrays.copyOf(again, again.length - 1), l.kind());
            assertEquals('\n', again[again.length - 1]);
        }
    }

    private static boolean hasAlert(JsonNode session, boolean encrypted) {
        for (JsonNode a : session.path("alerts")) {
            if (a.path("encrypted").asBoolean() == encrypted) {
                return true;
            }
        }
        return false;
    }

    private static void count(Map<String, Integer> seen, String what, boolean yes) {
        if (yes) {
            seen.merge(what, 1, Integer::sum);
        }
    }

    static void ts(JsonNode n, String where) {
        assertTrue(n.isTextual() && TS.matcher(n.asText()).matches(), where + ": not ISO-8601 UTC with microseconds: " + n);
    }

    private static void hexes(JsonNode list, Pattern p, String where) {
        assertTrue(list.isArray(), where);
        for (JsonNode h : list) {
            assertTrue(h.isTextual() && p.matcher(h.asText()).matches(), where + ": " + h + " is not " + p);
        }
    }

    /**
     * IPv4 as dotted decimal, IPv6 in brackets in RFC 5952 form (lowercase, no leading zeros,
     * the longest zero run as "::"); the JDK's own parser of the literal must give the domain's bytes.
     */
    static void endpoint(JsonNode n, dev.nfe.capture.Endpoint domain, String where) throws Exception {
        String text = n.asText();
        java.util.regex.Matcher v4 = V4.matcher(text);
        java.util.regex.Matcher v6 = V6.matcher(text);
        String host;
        String port;
        if (v4.matches()) {
            host = text.substring(0, text.lastIndexOf(':'));
            port = v4.group(5);
        } else {
            assertTrue(v6.matches(), where + ": not an endpoint: " + n);
            host = v6.group(1);
            port = v6.group(2);
            assertEquals(Wire.rfc5952(InetAddress.getByName(host).getAddress()), host, where + ": not RFC 5952 form");
        }
        assertArrayEquals(domain.ip().toBytes(), InetAddress.getByName(host).getAddress(), where);
        assertEquals(String.valueOf(domain.port()), port, where + ": port");
    }
}
