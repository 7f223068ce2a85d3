package dev.nfe.pipeline.output;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The {@code finding}, {@code incident} and {@code summary} lines of a real replay (every sound
 * corpus capture, the loopback sample, hostile-strings.pcap): each member against its domain
 * value, and each record against the lines it speaks about (a finding against its session, an
 * incident against its findings, the summary against every session and finding written).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JsonRecordsFindingsTest {
    private RecordedRun run;
    /** Session lines by flow_id + client (a flow id alone repeats when a capture reuses ports). */
    private final Map<String, JsonNode> sessionJson = new HashMap<>();

    @BeforeAll
    void replay() throws Exception {
        List<Path> captures = new ArrayList<>(RecordedRun.corpus());
        captures.add(RecordedRun.loopbackSample());
        captures.add(RecordedRun.hostileStrings());
        run = RecordedRun.of(captures);
        for (RecordedRun.Line l : run.linesOf("session")) {
            SessionRecord s = (SessionRecord) l.value();
            sessionJson.put(s.capture() + " " + s.flowId() + " " + s.firstFrame(), RecordedRun.parse(l));
        }
    }

    @Test
    void everyFindingMemberIsItsDomainValueAndAgreesWithItsSession() throws Exception {
        List<String> problems = new ArrayList<>();
        Set<String> ids = new HashSet<>();
        for (RecordedRun.Line l : run.linesOf("finding")) {
            Finding f = (Finding) l.value();
            JsonNode n = RecordedRun.parse(l);
            String where = f.capture() + " " + f.client() + ": ";
            JsonDiff.diff(Expected.finding(f), n).forEach(d -> problems.add(where + d));
            assertTrue(ids.add(n.path("finding_id").asText()), where + "finding_id repeats: " + n.path("finding_id"));
            assertTrue(Set.of("low", "medium", "high").contains(n.path("severity").asText()), where + n);
            assertTrue(Set.of("low", "medium", "high").contains(n.path("confidence").asText()), where + n);
            JsonRecordsSessionTest.ts(n.path("ts"), where);
            JsonRecordsSessionTest.endpoint(n.path("client"), f.client(), where);
            JsonRecordsSessionTest.endpoint(n.path("server"), f.server(), where);

            // a finding carries its session's facts (DESIGN.md: kind = the outcome, or for a completed
            // handshake the server dropped afterwards RESET_AFTER_HANDSHAKE with the session's abort,
            // or CLOSED_AFTER_HANDSHAKE with its abrupt_close)
            SessionRecord s = l.sessionOfFinding();
            JsonNode sj = sessionJson.get(s.capture() + " " + s.flowId() + " " + s.firstFrame());
            assertTrue(sj != null, where + "no session line for the finding");
            assertFalse(Set.of("COMPLETED", "NOT_TLS", "MIDSTREAM").contains(n.path("kind").asText()), where + n);
            switch (n.path("kind").asText()) {
                case "RESET_AFTER_HANDSHAKE" -> {
                    assertEquals("COMPLETED", sj.path("outcome").asText(), where);
                    assertEquals("server", sj.path("abort").path("by").asText(), where + "abort by");
                    assertEquals(sj.path("abort").path("frame"), n.path("evidence_frames").get(1), where + "rst frame");
                }
                case "CLOSED_AFTER_HANDSHAKE" -> {
                    assertEquals("COMPLETED", sj.path("outcome").asText(), where);
                    assertTrue(sj.path("abrupt_close").path("unanswered").asBoolean(), where + "unanswered");
                    assertEquals(sj.path("abrupt_close").path("frame"), n.path("evidence_frames").get(1), where + "fin");
                }
                default -> assertEquals(sj.path("outcome"), n.path("kind"), where + "kind");
            }
            for (String same : List.of("capture", "flow_id", "client", "server")) {
                assertEquals(sj.path(same), n.path(same), where + same);
            }
            assertEquals(sj.path("client_hello").isNull() ? sj.path("client_hello") : sj.path("client_hello").path("sni"),
                    n.path("sni"), where + "sni");
            // (no check of ts against first_ts..last_ts: those are the first and last frame's times, and
            // ossfuzz_seed_fake_traces_1.pcapng has a hello stamped 17 s before the frame ahead of it)
            for (JsonNode frame : n.path("evidence_frames")) {
                assertTrue(frame.isIntegralNumber() && frame.asLong() >= sj.path("first_frame").asLong()
                        && frame.asLong() <= sj.path("last_frame").asLong(), where + "evidence frame " + frame);
            }
        }
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " differences");
        assertTrue(ids.size() > 200, "findings: " + ids.size());
    }

    @Test
    void everyIncidentMemberIsItsDomainValueAndNamesFindingsOfItsKindAndServer() throws Exception {
        Map<String, JsonNode> findings = new HashMap<>();
        for (RecordedRun.Line l : run.linesOf("finding")) {
            JsonNode n = RecordedRun.parse(l);
            findings.put(n.path("finding_id").asText(), n);
        }
        List<String> problems = new ArrayList<>();
        int incidents = 0;
        boolean ipv6 = false;
        for (RecordedRun.Line l : run.linesOf("incident")) {
            Incident i = (Incident) l.value();
            JsonNode n = RecordedRun.parse(l);
            String where = i.server() + " " + i.kind() + ": ";
            JsonDiff.diff(Expected.incident(i), n).forEach(d -> problems.add(where + d));
            JsonRecordsSessionTest.endpoint(n.path("server"), i.server(), where);
            JsonRecordsSessionTest.ts(n.path("first_ts"), where);
            JsonRecordsSessionTest.ts(n.path("last_ts"), where);
            assertTrue(n.path("first_ts").asText().compareTo(n.path("last_ts").asText()) <= 0, where + n);
            assertTrue(n.path("count").asLong() >= 2, where + "below --incident-min 2: " + n);
            for (String map : List.of("hello_formats", "snis", "rst_by")) {
                assertTrue(n.path(map).isObject(), where + map + " is an object, {} when empty");
            }
            assertTrue(n.path("sample_finding_ids").size() > 0, where + n);
            for (JsonNode id : n.path("sample_finding_ids")) {
                JsonNode f = findings.get(id.asText());
                assertTrue(f != null, where + "names a finding that was not written: " + id);
                // an incident is one fault at one server host: its findings' kinds are counted in kinds,
                // their servers listed in servers (127.0.0.1 and [::1] on one port are one host)
                assertTrue(n.path("kinds").has(f.path("kind").asText()), where + id + " kind " + f.path("kind"));
                assertTrue(contains(n.path("servers"), f.path("server")), where + id + " server " + f.path("server"));
                if (n.path("sample_clients").size() == n.path("count").asLong()) { // every client sampled
                    assertTrue(contains(n.path("sample_clients"), f.path("client")),
                            where + "client of " + id + " not among " + n.path("sample_clients"));
                }
            }
            ipv6 |= n.path("server").asText().startsWith("[");
            incidents++;
        }
        assertEquals(List.of(), problems.subList(0, Math.min(20, problems.size())), problems.size() + " differences");
        assertTrue(incidents > 5 && ipv6, incidents + " incidents, IPv6 server seen: " + ipv6);
    }

    @Test
    void theSummaryIsItsDomainValueAndCountsWhatWasWritten() {
        RecordedRun.Line last = run.lines().get(run.lines().size() - 1);
        RunSummary summary = (RunSummary) last.value();
        JsonNode n = RecordedRun.parse(last);
        assertEquals(List.of(), JsonDiff.diff(Expected.summary(summary), n));

        Map<String, Long> outcomes = new TreeMap<>();
        Map<String, Map<String, Long>> servers = new HashMap<>();
        Map<String, long[]> perCapture = new LinkedHashMap<>();
        for (RecordedRun.Line l : run.lines()) {
            JsonNode r = RecordedRun.parse(l);
            if (l.kind().equals("session")) {
                outcomes.merge(r.path("outcome").asText(), 1L, Long::sum);
                servers.computeIfAbsent(r.path("server").asText(), k -> new TreeMap<>())
                        .merge(r.path("outcome").asText(), 1L, Long::sum);
                perCapture.computeIfAbsent(r.path("capture").asText(), k -> new long[2])[0]++;
            } else if (l.kind().equals("finding")) {
                perCapture.computeIfAbsent(r.path("capture").asText(), k -> new long[2])[1]++;
            }
        }
        assertEquals(outcomes, new TreeMap<>(longs(n.path("outcomes"))), "outcomes: every session line counted once");
        assertFalse(n.path("servers_capped").asBoolean());
        assertEquals(servers.keySet(), longsOfMaps(n.path("servers")).keySet());
        long previous = Long.MAX_VALUE;
        for (Map.Entry<String, Map<String, Long>> e : longsOfMaps(n.path("servers")).entrySet()) {
            assertEquals(servers.get(e.getKey()), new TreeMap<>(e.getValue()), "server " + e.getKey());
            long total = e.getValue().values().stream().mapToLong(Long::longValue).sum();
            assertTrue(total <= previous, "servers busiest first: " + e.getKey());
            previous = total;
        }
        for (JsonNode c : n.path("captures")) {
            long[] written = perCapture.getOrDefault(c.path("capture").asText(), new long[2]);
            assertEquals(written[0], c.path("sessions").asLong(), c.path("capture") + " sessions");
            assertEquals(written[1], c.path("findings").asLong(), c.path("capture") + " findings");
            assertTrue(c.path("error").isNull(), c.toString());
            assertTrue(c.path("skipped").isObject() && c.path("frames").asLong() > 0, c.toString());
        }
        assertEquals(perCapture.keySet().stream().sorted().toList(),
                run.linesOf("session").stream().map(l -> ((SessionRecord) l.value()).capture()).distinct().sorted().toList());
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode v : array) {
            if (v.equals(value)) {
                return true;
            }
        }
        return false;
    }

    private static Map<String, Long> longs(JsonNode object) {
        Map<String, Long> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            assertTrue(e.getValue().isIntegralNumber(), e.toString());
            out.put(e.getKey(), e.getValue().asLong());
        }
        return out;
    }

    private static Map<String, Map<String, Long>> longsOfMaps(JsonNode object) {
        Map<String, Map<String, Long>> out = new LinkedHashMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = object.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            out.put(e.getKey(), longs(e.getValue()));
        }
        return out;
    }
}
