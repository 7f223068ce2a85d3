package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The incident captures (real apache2 prefork + mod_ssl whose workers die of SIGSEGV on a timer
 * or on one ClientHello feature; see incidents/README.md) agree with their own ground truth as
 * tshark reads the wire: every labelled connection is there, the crashed-in-SSL_accept resets are
 * exactly the labelled ones, each timer crash ends its connection the way the kernel state
 * predicted, and the trigger feature separates failed from completed hellos on the wire. The
 * committed captures are checked as they are; the generator itself is proved by re-making the
 * shortest scenario (root only: port 443, tcpdump, signals to httpd).
 */
class IncidentCapturesTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long MAX_CAPTURE_BYTES = 10L * 1024 * 1024;

    static Path incidents() {
        return Nfe.root().resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");
    }

    @ParameterizedTest
    @ValueSource(strings = {"crash-loop-5s", "random-crashes", "crash-on-sslv2-hello", "crash-on-sni", "crash-any-hello"})
    void committedCaptureAgreesWithItsTruth(String scenario) throws Exception {
        Path dir = incidents().resolve(scenario);
        Checked c = assertWireMatchesTruth(dir);
        assertTrue(Files.size(dir.resolve("capture.pcap")) < MAX_CAPTURE_BYTES, "capture too large");
        JsonNode crash = c.truth().path("crash");
        switch (scenario) {
            case "crash-loop-5s" -> {
                assertEquals(5.0, crash.path("period_s").asDouble());
                List<Double> kills = doubles(crash.path("kill_offsets_s"));
                for (int k = 0; k < kills.size(); k++) {
                    assertEquals(5.0 * (k + 1), kills.get(k), 0.15, "kill " + k + " off the 5 s grid");
                }
                assertTrue(kills.size() >= 16, "90 s of 5 s cycles: " + kills);
                assertTrue(crash.path("missed_cycles").asInt() >= 2, "some cycles must find no connection");
                assertTrue(crash.path("ticks_with_connection").asInt() >= 10, crash.toString());
                // the period is on the wire: each crashed connection's server FIN/RST falls on the grid
                double origin = c.truth().path("origin_epoch").asDouble();
                Set<Long> cycles = new HashSet<>();
                for (Map<String, String> r : c.rows()) {
                    if (r.get("scenario").startsWith("crash_")) {
                        double t = c.wire().get(r.get("client_ip") + ":" + r.get("client_port")).serverEndTs() - origin;
                        assertEquals(5.0 * Math.rint(t / 5.0), t, 0.15, "server end off the 5 s grid: " + r);
                        cycles.add(Math.round(t / 5.0));
                    }
                }
                assertEquals(crash.path("ticks_with_connection").asInt(), cycles.size(), "one visible crash per cycle");
            }
            case "random-crashes" -> {
                assertTrue(crash.path("period_s").isNull());
                List<Double> kills = doubles(crash.path("kill_offsets_s"));
                assertTrue(kills.size() >= 10, kills.toString());
                long onGrid = kills.stream().filter(t -> Math.abs(t / 5.0 - Math.rint(t / 5.0)) * 5.0 < 0.25).count();
                assertTrue(onGrid < kills.size() / 2, "Poisson kill times must not sit on a 5 s grid: " + kills);
            }
            default -> {
                // hello scenarios: checked in assertWireMatchesTruth (trigger against the wire)
            }
        }
    }

    @Test
    void generatorRemakesTheShortestScenario(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "make-incident-capture needs root (port 443, tcpdump, SIGSEGV to httpd "
                + "children); CI runs as root");
        // httpd's children run as nobody, so the work directory must not sit under a 0700 temp dir
        Path work = Files.createTempDirectory(Path.of("/tmp"), "nfe-incident-test");
        try {
            Nfe.Run made = Nfe.exec(List.of("bash", incidents().resolve("make-incident-capture").toString(),
                    "--out", tmp.toString(), "--work", work.toString(), "--seed", "23", "--duration", "12",
                    "crash-on-sslv2-hello"), 600);
            assertEquals(0, made.exit(), made.stdout() + made.stderr());
            Path dir = tmp.resolve("crash-on-sslv2-hello");
            Map<String, Integer> counts = counts(assertWireMatchesTruth(dir).truth().path("counts"));
            assertTrue(counts.getOrDefault("reset_after_client_hello", 0) >= 1, counts.toString());
            assertTrue(counts.getOrDefault("completed", 0) >= 10, counts.toString());
            assertTrue(Files.readString(dir.resolve("summary.txt")).contains("check: PASS"),
                    Files.readString(dir.resolve("summary.txt")));
        } finally {
            Nfe.exec(List.of("rm", "-rf", work.toString()), 60);
        }
    }

    /** A scenario directory's truth.json, labels.tsv rows and tshark's streams, checked to agree. */
    record Checked(JsonNode truth, List<Map<String, String>> rows, Map<String, IncidentWire.Stream> wire) {
    }

    /** Checks a scenario directory's capture against its labels.tsv and truth.json. */
    static Checked assertWireMatchesTruth(Path dir) throws IOException, InterruptedException {
        JsonNode truth = JSON.readTree(dir.resolve("truth.json").toFile());
        List<Map<String, String>> rows = labels(dir.resolve("labels.tsv"));
        Map<String, IncidentWire.Stream> wire = IncidentWire.streams(dir.resolve("capture.pcap"));

        Set<String> labelled = new HashSet<>();
        Map<String, Integer> byLabel = new TreeMap<>();
        for (Map<String, String> r : rows) {
            labelled.add(r.get("client_ip") + ":" + r.get("client_port"));
            byLabel.merge(r.get("scenario"), 1, Integer::sum);
        }
        assertEquals(labelled, wire.keySet(), "labelled connections and tshark's streams differ");
        assertEquals(truth.path("connections").asInt(), rows.size());
        assertEquals(counts(truth.path("counts")), byLabel, "truth.json counts vs labels.tsv");

        List<String> bad = new ArrayList<>();
        Set<String> resetRows = new HashSet<>();
        for (Map<String, String> r : rows) {
            String c = r.get("client_ip") + ":" + r.get("client_port");
            IncidentWire.Stream s = wire.get(c);
            String label = r.get("scenario");
            if (label.equals("reset_after_client_hello")) {
                resetRows.add(c);
            } else if (label.startsWith("crash_")) {
                double dt = s.serverEndTs() - Double.parseDouble(r.get("crash_ts"));
                if (!s.serverEnd().equals(r.get("expected_server_end")) || !(dt >= -0.05 && dt <= 1.0)) {
                    bad.add(c + " " + label + ": expected server " + r.get("expected_server_end")
                            + " after the kill, wire " + s.serverEnd() + " dt " + dt);
                }
            } else if (label.equals("completed")) {
                if (!s.serverHello() || s.serverEnd().equals("rst")) {
                    bad.add(c + " completed: server hello " + s.serverHello() + ", server end " + s.serverEnd());
                }
            } else {
                bad.add(c + ": unknown label " + label);
            }
        }
        Set<String> resetOnWire = new HashSet<>();
        wire.forEach((c, s) -> {
            if (s.clientHello() && !s.serverHello() && s.serverEnd().equals("rst")) {
                resetOnWire.add(c);
            }
        });
        assertEquals(resetRows, resetOnWire, "reset right after the ClientHello: labels vs tshark");
        assertTrue(bad.isEmpty(), bad.size() + " rows disagree with the wire:\n" + String.join("\n", bad));
        assertTrigger(truth, rows, wire);
        return new Checked(truth, rows, wire);
    }

    /** The trigger feature, read from tshark's hellos, holds for every failed and no completed hello. */
    private static void assertTrigger(JsonNode truth, List<Map<String, String>> rows, Map<String, IncidentWire.Stream> wire) {
        JsonNode trigger = truth.path("trigger");
        if (!truth.path("crash").has("crashes_logged")) {
            return;                                   // timer scenarios: no hello trigger
        }
        int failed = 0;
        int completed = 0;
        Set<String> failedSni = new HashSet<>();
        for (Map<String, String> r : rows) {
            IncidentWire.Stream s = wire.get(r.get("client_ip") + ":" + r.get("client_port"));
            boolean fail = r.get("scenario").equals("reset_after_client_hello");
            if (fail) {
                failed++;
                failedSni.add(s.sslv2Hello() ? "(sslv2)" : s.sni());
            } else {
                completed++;
            }
            boolean hit = switch (trigger.path("feature").asText("")) {
                case "hello_format" -> s.sslv2Hello();
                case "sni" -> s.sni().equals(trigger.path("value").asText());
                default -> fail;                      // no trigger: nothing to compare
            };
            assertEquals(fail, hit, "trigger " + trigger + " on " + r);
        }
        assertEquals(failed, truth.path("crash").path("crashes_logged").asInt(), "module's crash log vs labels");
        assertEquals(failed, truth.path("httpd_segfaults_logged").asInt(), "httpd's SIGSEGV lines vs labels");
        assertTrue(failed >= 1 && completed >= 10, "failed " + failed + ", completed " + completed);
        if (trigger.isNull()) {
            double share = failed / (double) (failed + completed);
            assertTrue(share > 0.2 && share < 0.6, "random crashes near 40%: " + share);
            assertTrue(failedSni.size() >= 3, "hello-independent crashes hit several names: " + failedSni);
        }
    }

    private static List<Map<String, String>> labels(Path tsv) throws IOException {
        List<String> lines = Files.readAllLines(tsv);
        String[] head = lines.get(0).split("\t", -1);
        List<Map<String, String>> rows = new ArrayList<>();
        for (String line : lines.subList(1, lines.size())) {
            String[] v = line.split("\t", -1);
            Map<String, String> row = new HashMap<>();
            for (int i = 0; i < head.length; i++) {
                row.put(head[i], i < v.length ? v[i] : "");
            }
            rows.add(row);
        }
        return rows;
    }

    private static Map<String, Integer> counts(JsonNode node) {
        Map<String, Integer> m = new TreeMap<>();
        node.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

    private static List<Double> doubles(JsonNode array) {
        List<Double> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asDouble()));
        return out;
    }
}
