package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * {@code nfe replay --evidence DIR}, checked as a person would: every incident's pcapng opens in
 * tshark and capinfos; its frames are exactly the frames tshark finds in the original capture for
 * the incident's failing connections plus one completed connection at the same server (same
 * bytes, same timestamps to the nanosecond, capture order); each ClientHello and RST of a failing
 * connection carries a comment naming its finding; the connections left out are listed, and
 * together with the ones in the file they are the incident's failures, which for the SSLv2
 * capture are exactly the connections the generator's ground truth says were reset.
 */
class EvidenceFilesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    static final Path INCIDENTS = Nfe.root().resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");
    private static final Pattern NAMED = Pattern.compile("nfe finding ([0-9a-f]{20}) ([A-Z_]+) \\(([A-Za-z ]+)\\): ");
    private static final List<String> FIELDS = List.of("frame.time_epoch", "frame.md5_hash", "frame.len",
            "frame.encap_type", "ip.src", "ipv6.src", "tcp.srcport", "ip.dst", "ipv6.dst", "tcp.dstport",
            "tcp.seq_raw", "tcp.flags.reset", "tls.handshake.type", "frame.comment");
    private static final int COMMENT = FIELDS.indexOf("frame.comment");

    @TempDir
    Path dir;

    /** What nfe said about a capture (JSON lines): incidents, and each finding with the session before it. */
    record Results(List<JsonNode> incidents, Map<String, JsonNode> findings, Map<String, JsonNode> sessionOf,
                   List<JsonNode> sessions) {
    }

    static Results replay(Path capture, Path evidence, String... options) throws Exception {
        List<String> args = new ArrayList<>(List.of("replay", "--format", "jsonl", "--sessions", "--evidence",
                evidence.toString()));
        args.addAll(List.of(options));
        args.add(capture.toString());
        Nfe.Run run = Nfe.run(args.toArray(String[]::new));
        assertEquals(0, run.exit(), run.stderr());
        List<JsonNode> incidents = new ArrayList<>();
        Map<String, JsonNode> findings = new LinkedHashMap<>();
        Map<String, JsonNode> sessionOf = new HashMap<>();
        List<JsonNode> sessions = new ArrayList<>();
        JsonNode last = null;
        for (String line : run.lines()) {
            JsonNode n = JSON.readTree(line);
            switch (n.path("record").asText()) {
                case "session" -> {
                    last = n;
                    sessions.add(n);
                }
                case "finding" -> {
                    findings.put(n.path("finding_id").asText(), n);
                    sessionOf.put(n.path("finding_id").asText(), last);
                }
                case "incident" -> incidents.add(n);
                default -> {
                }
            }
        }
        return new Results(incidents, findings, sessionOf, sessions);
    }

    @ParameterizedTest
    @ValueSource(strings = {"crash-loop-5s", "crash-on-sslv2-hello", "random-crashes", "loopback"})
    void eachIncidentsFileHoldsItsFailingConnectionsAndOneCompletedOneAsCaptured(String name) throws Exception {
        Path capture = name.equals("loopback") ? Nfe.root().resolve("samples/loopback/capture.pcap")
                : INCIDENTS.resolve(name).resolve("capture.pcap");
        Results r = replay(capture, dir);
        assertFalse(r.incidents().isEmpty(), name);
        for (JsonNode incident : r.incidents()) {
            checkFile(capture, r, incident, dir);
        }
    }

    /** Everything one evidence file must be; returns the ids of the failures it holds. */
    static Set<String> checkFile(Path capture, Results r, JsonNode incident, Path dir) throws Exception {
        String id = incident.path("incident_id").asText();
        Path file = dir.resolve(id + ".pcapng");
        assertTrue(Files.isRegularFile(file), "no evidence file for " + id);
        String info = TsharkFields.capinfos(file);
        assertTrue(info.contains("nfe evidence for incident " + id), info);
        List<TsharkFields.Frame> ev = TsharkFields.read(file, null, FIELDS);

        // the failures it names (in comments) and those it lists as left out: the incident's failures
        Set<String> named = new LinkedHashSet<>();
        for (TsharkFields.Frame f : ev) {
            Matcher m = NAMED.matcher(f.get(COMMENT));
            while (m.find()) {
                named.add(m.group(1));
                assertEquals(r.findings().get(m.group(1)).path("kind").asText(), m.group(2), "kind of " + m.group(1));
            }
        }
        Set<String> leftOut = leftOut(dir.resolve(id + ".left-out.txt"));
        Set<String> all = new HashSet<>(named);
        all.addAll(leftOut);
        assertEquals(named.size() + leftOut.size(), all.size(), "a failure both in the file and left out");
        assertEquals(incident.path("count").asLong(), all.size(), id + ": failures in the file and left out");
        Instant first = Instant.parse(incident.path("first_ts").asText());
        Instant last = Instant.parse(incident.path("last_ts").asText());
        Set<String> servers = new HashSet<>();
        incident.path("servers").forEach(s -> servers.add(s.asText()));
        for (String f : all) {
            JsonNode finding = r.findings().get(f);
            assertTrue(finding != null, "no finding " + f);
            assertTrue(servers.contains(finding.path("server").asText()), f + " is at another server");
            Instant t = Instant.parse(finding.path("ts").asText());
            assertFalse(t.isBefore(first) || t.isAfter(last), f + " is outside the incident's window");
        }

        // the frames: tshark's own selection from the original, the failing connections and one completed one
        List<String> filters = new ArrayList<>();
        Set<String> failingFlows = new HashSet<>();
        for (String f : named) {
            JsonNode s = r.sessionOf().get(f);
            filters.add(TsharkFields.connection(s.path("client").asText(), s.path("server").asText(),
                    s.path("first_frame").asLong(), s.path("last_frame").asLong()));
            failingFlows.add(flow(s.path("client").asText(), s.path("server").asText()));
        }
        JsonNode comparison = comparison(r, ev, failingFlows, servers);
        if (comparison != null) {
            filters.add(TsharkFields.connection(comparison.path("client").asText(), comparison.path("server").asText(),
                    comparison.path("first_frame").asLong(), comparison.path("last_frame").asLong()));
        }
        List<TsharkFields.Frame> expected = TsharkFields.read(capture, String.join(" || ", filters), FIELDS);
        assertEquals(expected.size(), ev.size(), id + ": frames");
        for (int i = 0; i < ev.size(); i++) {
            // every field but the comment: bytes (md5), time to the nanosecond, link type, endpoints, flags, TLS
            assertEquals(expected.get(i).values().subList(0, COMMENT), ev.get(i).values().subList(0, COMMENT),
                    id + ": frame " + (i + 1));
        }

        // comments: each ClientHello and RST of a failing connection names its finding and kind
        Map<String, String> findingOfFlow = new HashMap<>();
        for (String f : named) {
            JsonNode s = r.sessionOf().get(f);
            findingOfFlow.put(flow(s.path("client").asText(), s.path("server").asText()), f);
        }
        int commented = 0;
        Set<String> helloSeen = new HashSet<>();
        for (TsharkFields.Frame f : ev) {
            String finding = findingOfFlow.get(flowOf(f));
            // the connection's (first) ClientHello: the one its finding names
            boolean hello = List.of(f.get(FIELDS.indexOf("tls.handshake.type")).split(",")).contains("1")
                    && finding != null && helloSeen.add(finding);
            boolean rst = f.get(FIELDS.indexOf("tcp.flags.reset")).equals("1")
                    || f.get(FIELDS.indexOf("tcp.flags.reset")).equals("True");
            if (finding != null && (hello || rst)) {
                String kind = r.findings().get(finding).path("kind").asText();
                assertTrue(f.get(COMMENT).contains("nfe finding " + finding + " " + kind + " ("
                        + (hello ? "ClientHello" : "RST") + ")"), "frame " + f + " lacks its comment");
                commented++;
            }
        }
        assertTrue(commented >= named.size(), id + ": at least one commented frame per failing connection");
        return named;
    }

    /** The one connection in the file that is not a failing one: a completed handshake at the incident's server. */
    private static JsonNode comparison(Results r, List<TsharkFields.Frame> ev, Set<String> failing, Set<String> servers) {
        Set<String> others = new LinkedHashSet<>();
        for (TsharkFields.Frame f : ev) {
            if (!failing.contains(flowOf(f))) {
                others.add(flowOf(f));
            }
        }
        assertTrue(others.size() <= 1, "more than one connection besides the failing ones: " + others);
        if (others.isEmpty()) {
            return null;
        }
        String flow = others.iterator().next();
        for (JsonNode s : r.sessions()) {
            if (flow(s.path("client").asText(), s.path("server").asText()).equals(flow)) {
                assertEquals("COMPLETED", s.path("outcome").asText(), "the comparison connection " + flow);
                assertTrue(servers.contains(s.path("server").asText()), "the comparison is at another server: " + flow);
                assertTrue(r.findings().values().stream().noneMatch(x -> x.path("client").asText()
                        .equals(s.path("client").asText()) && x.path("server").asText().equals(s.path("server").asText())),
                        "the comparison connection had a finding");
                return s;
            }
        }
        throw new AssertionError("no session for the comparison connection " + flow);
    }

    static Set<String> leftOut(Path list) throws Exception {
        Set<String> ids = new LinkedHashSet<>();
        if (Files.exists(list)) {
            for (String line : Files.readAllLines(list, StandardCharsets.UTF_8)) {
                if (!line.startsWith("#") && !line.isBlank()) {
                    ids.add(line.split("\t")[1]);
                }
            }
        }
        return ids;
    }

    /** Both endpoints, in a fixed order. */
    private static String flow(String a, String b) {
        return a.compareTo(b) < 0 ? a + "|" + b : b + "|" + a;
    }

    private static String flowOf(TsharkFields.Frame f) {
        String src = f.get(FIELDS.indexOf("ip.src"));
        String dst = f.get(FIELDS.indexOf("ip.dst"));
        if (src.isEmpty()) {
            src = "[" + f.get(FIELDS.indexOf("ipv6.src")) + "]";
            dst = "[" + f.get(FIELDS.indexOf("ipv6.dst")) + "]";
        }
        return flow(src + ":" + f.get(FIELDS.indexOf("tcp.srcport")), dst + ":" + f.get(FIELDS.indexOf("tcp.dstport")));
    }

    @Test
    void theSslv2IncidentsFailuresAreTheConnectionsTheGroundTruthSaysWereResetAndTheCapListsTheRest() throws Exception {
        Path capture = INCIDENTS.resolve("crash-on-sslv2-hello").resolve("capture.pcap");
        Results r = replay(capture, dir, "--evidence-connections", "4");
        assertEquals(1, r.incidents().size());
        JsonNode incident = r.incidents().get(0);
        String id = incident.path("incident_id").asText();
        Set<String> named = checkFile(capture, r, incident, dir);
        Set<String> leftOut = leftOut(dir.resolve(id + ".left-out.txt"));
        assertEquals(4, named.size(), "the cap");
        assertEquals(incident.path("count").asLong() - 4, leftOut.size());
        Set<String> clients = new HashSet<>();
        for (String f : named) {
            clients.add(r.findings().get(f).path("client").asText());
        }
        for (String f : leftOut) {
            clients.add(r.findings().get(f).path("client").asText());
        }
        Set<String> truth = new HashSet<>();
        List<String> labels = Files.readAllLines(INCIDENTS.resolve("crash-on-sslv2-hello").resolve("labels.tsv"));
        List<String> head = List.of(labels.get(0).split("\t"));
        for (String line : labels.subList(1, labels.size())) {
            String[] v = line.split("\t", -1);
            if (v[head.indexOf("scenario")].equals("reset_after_client_hello")) {
                truth.add(v[head.indexOf("client_ip")] + ":" + v[head.indexOf("client_port")]);
            }
        }
        assertEquals(15, truth.size());
        assertEquals(truth, clients, "the evidence's failing connections are the ground truth's resets");
        // the first four in time are the ones in the file
        List<String> byTime = new ArrayList<>(named);
        byTime.addAll(leftOut);
        byTime.sort((a, b) -> r.findings().get(a).path("ts").asText().compareTo(r.findings().get(b).path("ts").asText()));
        assertEquals(new HashSet<>(byTime.subList(0, 4)), named);
    }

    @Test
    void overTheFrameCapAConnectionKeepsItsFirstAndLastFramesItsHelloAndItsRstsAndSaysWhatIsLeftOut() throws Exception {
        Path capture = INCIDENTS.resolve("crash-loop-5s").resolve("capture.pcap");
        int cap = 6;
        Results r = replay(capture, dir, "--evidence-frames", Integer.toString(cap));
        List<String> fields = List.of("frame.number", "frame.md5_hash", "frame.time_epoch", "tcp.flags.reset",
                "tls.handshake.type", "frame.comment");
        Pattern skipped = Pattern.compile("nfe: (\\d+) frames of this connection left out just before this one");
        int cut = 0;
        for (JsonNode incident : r.incidents()) {
            Path file = dir.resolve(incident.path("incident_id").asText() + ".pcapng");
            for (String f : new LinkedHashSet<>(namedIn(file))) {
                JsonNode s = r.sessionOf().get(f);
                String filter = TsharkFields.connection(s.path("client").asText(), s.path("server").asText(),
                        s.path("first_frame").asLong(), s.path("last_frame").asLong());
                List<TsharkFields.Frame> orig = TsharkFields.read(capture, filter, fields);
                Set<String> decisive = new HashSet<>();
                r.findings().get(f).path("evidence_frames").forEach(n -> decisive.add(n.asText()));
                List<String> kept = new ArrayList<>();
                boolean helloSeen = false;
                for (int i = 0; i < orig.size(); i++) {
                    TsharkFields.Frame o = orig.get(i);
                    boolean hello = !helloSeen && List.of(o.get(4).split(",")).contains("1");
                    helloSeen |= hello;
                    boolean rst = o.get(3).equals("1") || o.get(3).equals("True");
                    if (i < cap / 2 || i >= orig.size() - cap / 2 || hello || rst || decisive.contains(o.get(0))) {
                        kept.add(o.get(1) + "@" + o.get(2));
                    }
                }
                List<TsharkFields.Frame> in = TsharkFields.read(file, filter.replaceAll(" && frame.number >= \\d+ && "
                        + "frame.number <= \\d+", ""), fields);
                List<String> got = new ArrayList<>();
                long saidLeftOut = 0;
                for (TsharkFields.Frame x : in) {
                    got.add(x.get(1) + "@" + x.get(2));
                    Matcher m = skipped.matcher(x.get(5));
                    if (m.find()) {
                        saidLeftOut += Long.parseLong(m.group(1));
                    }
                }
                assertEquals(kept, got, f + ": the frames kept");
                assertEquals(orig.size() - kept.size(), saidLeftOut, f + ": the comments count the frames left out");
                if (saidLeftOut > 0) {
                    cut++;
                }
            }
        }
        assertTrue(cut > 0, "no connection was over the cap: the test would prove nothing");
    }

    private static Set<String> namedIn(Path file) throws Exception {
        Set<String> named = new LinkedHashSet<>();
        for (TsharkFields.Frame f : TsharkFields.read(file, null, List.of("frame.comment"))) {
            Matcher m = NAMED.matcher(f.get(0));
            while (m.find()) {
                named.add(m.group(1));
            }
        }
        return named;
    }
}
