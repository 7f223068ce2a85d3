package dev.nfe.dissect.finding;

import dev.nfe.dissect.Dissected;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.Role;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.dissect.report.Severity;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Findings of the repository's sample capture (60 real connections on loopback) against the
 * scenario each connection was made with (samples/loopback/labels.tsv, written by the capture
 * generator, not by nfe): which connections get a finding, how severe, and what its sentence and
 * id promise.
 */
class FindingFactoryTest {
    private static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    private static final Map<String, String> SCENARIOS = new HashMap<>();
    private static final Map<SessionRecord, Finding> RESULTS = new LinkedHashMap<>();

    @BeforeAll
    static void dissectTheSample() throws Exception {
        for (String line : Files.readAllLines(ROOT.resolve("samples/loopback/labels.tsv")).subList(1, 61)) {
            String[] f = line.split("\t");
            SCENARIOS.put(endpoint(f[3], f[4]) + ">" + endpoint(f[5], f[6]), f[7]);
        }
        run(RESULTS);
        assertEquals(60, RESULTS.size(), "sessions of the sample");
    }

    private static String endpoint(String ip, String port) {
        return (ip.contains(":") ? "[" + ip + "]" : ip) + ":" + port;
    }

    private static void run(Map<SessionRecord, Finding> out) throws Exception {
        for (Dissected.Emitted e : Dissected.run("sample", Dissected.segments(ROOT.resolve("samples/loopback/capture.pcap")))) {
            out.put(e.session(), e.finding());
        }
    }

    private static String scenario(SessionRecord s) {
        String sc = SCENARIOS.get(s.client() + ">" + s.server());
        assertNotNull(sc, "no label for " + s.client() + " > " + s.server());
        return sc;
    }

    /** What each scenario means to an operator, independent of how nfe classifies it. */
    private static Severity expectedSeverity(String scenario) {
        if (scenario.startsWith("healthy_")) {
            return null; // no finding
        }
        if (scenario.startsWith("reset_after_client_hello") || scenario.equals("fin_after_client_hello")
                || scenario.equals("no_response")) {
            return Severity.HIGH; // the server died or vanished with the hello unread
        }
        if (scenario.startsWith("alert_") || scenario.equals("non_tls_response")) {
            return Severity.MEDIUM; // the server refused a handshake it could serve
        }
        if (scenario.equals("sslv2_hello_server_hello")) {
            return Severity.MEDIUM; // an SSLv2 server answered, and the modern client walked away mid-handshake
        }
        if (scenario.startsWith("client_alert")) {
            return Severity.LOW; // the client refused the server: expected, worth knowing
        }
        throw new IllegalStateException("scenario without a meaning here: " + scenario);
    }

    @Test
    void aFindingForEveryFailureWithTheSeverityItsScenarioMeans() {
        int findings = 0;
        for (Map.Entry<SessionRecord, Finding> e : RESULTS.entrySet()) {
            SessionRecord s = e.getKey();
            Finding f = e.getValue();
            Severity want = expectedSeverity(scenario(s));
            assertEquals(s.outcome().failure(), f != null, s.client() + " " + s.outcome());
            if (want == null) {
                assertNull(f, scenario(s) + " " + s.client());
                continue;
            }
            findings++;
            assertNotNull(f, scenario(s) + " " + s.client() + " got no finding");
            assertEquals(want, f.severity(), scenario(s) + ": " + f.summary());
            assertEquals(FindingKind.of(s.outcome()), f.kind());
            assertEquals(s.client(), f.client());
            assertEquals(s.server(), f.server());
            assertEquals(s.sni(), f.sni());
            assertEquals(s.flowId(), f.flowId());
        }
        long failedInLabels = SCENARIOS.values().stream().filter(sc -> !sc.startsWith("healthy_")).count();
        assertEquals(failedInLabels, findings, "failed connections in the sample's labels");
    }

    @Test
    void sentencesNameBothEndsAndTheFramesToOpen() {
        for (Map.Entry<SessionRecord, Finding> e : RESULTS.entrySet()) {
            SessionRecord s = e.getKey();
            Finding f = e.getValue();
            if (f == null) {
                continue;
            }
            assertTrue(f.summary().contains(s.server().toString()), f.summary());
            assertTrue(f.summary().contains(s.client().toString()), f.summary());
            assertFalse(f.evidenceFrames().isEmpty(), f.summary());
            assertEquals(s.clientHello().frame(), f.evidenceFrames().get(0), "the hello is the first evidence frame");
            assertTrue(f.summary().contains("frames: hello " + s.clientHello().frame()), f.summary());
            if (f.evidenceFrames().size() > 1) {
                assertTrue(f.summary().endsWith(" " + f.evidenceFrames().get(1)), f.summary());
                assertTrue(f.tsNanos() > s.clientHello().tsNanos(), "a finding is timed at its reaction");
            }
            if (s.outcome() == Outcome.RESET_AFTER_CLIENT_HELLO && s.rst().by() == Role.SERVER
                    && !s.rst().injectedSuspect()) {
                assertTrue(f.summary().contains("(sent by the server host)"), f.summary());
                assertTrue(f.summary().startsWith("server " + s.server() + " reset " + s.client()), f.summary());
            }
            if (s.clientHello().hello().sslv2Format()) {
                assertTrue(f.summary().contains("SSLv2-format hello"), f.summary());
            }
        }
    }

    @Test
    void idsAreUniqueAndTheSameInEveryRun() throws Exception {
        Set<String> ids = new HashSet<>();
        List<String> first = new ArrayList<>();
        for (Finding f : RESULTS.values()) {
            if (f != null) {
                assertEquals(20, f.findingId().length());
                assertTrue(ids.add(f.findingId()), "duplicate id " + f.findingId());
                first.add(f.findingId());
            }
        }
        Map<SessionRecord, Finding> again = new LinkedHashMap<>();
        run(again);
        List<String> second = again.values().stream().filter(f -> f != null).map(Finding::findingId).toList();
        assertEquals(first, second);
    }

    @Test
    void everyOutcomeHasItsOwnLabelAndWording() {
        Set<String> labels = new HashSet<>();
        for (Outcome o : Outcome.values()) {
            assertTrue(labels.add(OutcomeMeaning.label(o)), "label of " + o + " not unique");
            assertEquals(o.failure(), FindingKind.of(o) != null, o + ": a finding exactly for the failures");
        }
        Set<String> words = new HashSet<>();
        for (FindingKind k : FindingKind.values()) {
            assertTrue(words.add(OutcomeMeaning.shortly(k)), "wording of " + k + " not unique");
        }
    }
}
