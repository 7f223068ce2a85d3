package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The diagnosis on real apache2 (prefork, mod_ssl) captures whose faults we made and know
 * (incidents/README.md; truth.json beside each capture, written by the generator, not by nfe):
 * a worker killed every 5 s, workers killed at Poisson times, and workers that crash inside the
 * handshake only for SSLv2-format hellos, only for one SNI, or for any hello at random.
 */
class IncidentDiagnosisTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DIR = Nfe.root().resolve("testsuite/src/test/resources/dev/nfe/testsuite/incidents");

    private record Diagnosis(JsonNode truth, List<JsonNode> incidents, List<JsonNode> findings, Nfe.Run text) {
        /** The incident of the crashing server host (the server every capture's truth names). */
        JsonNode serverDrop() {
            String server = truth.path("server").asText();
            List<JsonNode> drops = incidents.stream().filter(i -> i.path("fault").asText().equals("server_drop")
                    && i.path("server").asText().equals(server)).toList();
            assertEquals(1, drops.size(), "one server_drop incident at " + server + ": " + incidents);
            return drops.get(0);
        }
    }

    private static Diagnosis diagnose(String scenario) throws IOException, InterruptedException {
        Path capture = DIR.resolve(scenario).resolve("capture.pcap");
        JsonNode truth = JSON.readTree(DIR.resolve(scenario).resolve("truth.json").toFile());
        Nfe.Run run = Nfe.run("replay", "--format", "jsonl", capture.toString());
        assertEquals(0, run.exit(), run.stderr());
        List<JsonNode> incidents = new ArrayList<>();
        List<JsonNode> findings = new ArrayList<>();
        for (String line : run.lines()) {
            JsonNode n = JSON.readTree(line);
            switch (n.path("record").asText()) {
                case "incident" -> incidents.add(n);
                case "finding" -> findings.add(n);
                default -> {
                }
            }
        }
        Nfe.Run text = Nfe.run("replay", capture.toString());
        assertEquals(0, text.exit(), text.stderr());
        return new Diagnosis(truth, incidents, findings, text);
    }

    @Test
    void aWorkerKilledEveryFiveSecondsIsACrashLoopWithItsPeriod() throws Exception {
        Diagnosis d = diagnose("crash-loop-5s");
        double period = d.truth().path("crash").path("period_s").asDouble();
        JsonNode i = d.serverDrop();
        JsonNode r = i.path("recurrence");
        assertFalse(r.isNull(), "no period found: " + i.path("summary").asText());
        assertEquals(period, r.path("period_s").asDouble(), 0.25, i.toString());
        assertTrue(r.path("jitter_s").asDouble() < 0.1, "jitter of tens of ms: " + r);
        assertTrue(r.path("missed_cycles").asInt() > 0, "the capture has cycles with no open connection: " + r);
        assertTrue(r.path("events").asInt() >= 5, r.toString());
        // the kills that met a connection, in every phase: resets after the handshake among them
        Map<String, Integer> kinds = counts(i.path("kinds"));
        assertTrue(kinds.getOrDefault("RESET_AFTER_HANDSHAKE", 0) > 0, kinds.toString());
        assertTrue(kinds.getOrDefault("CLOSED_DURING_HANDSHAKE", 0) > 0, kinds.toString());
        long visible = visibleKills(d.truth());
        assertTrue(r.path("events").asInt() <= visible, "more crash events than kills that met a connection: " + r);
        assertTrue(i.path("ok_during").asLong() > 0 && i.path("failed_share").asDouble() < 0.5, i.toString());
        assertEquals("[]", i.path("discriminators").toString(), "a timer crash does not depend on the hello");
        assertEquals("server_host", i.path("rst_source").asText());
        assertTrue(i.path("summary").asText().contains("Every 5.0"), i.path("summary").asText());
    }

    @Test
    void workersKilledAtRandomTimesHaveNoPeriod() throws Exception {
        Diagnosis d = diagnose("random-crashes");
        JsonNode i = d.serverDrop();
        assertTrue(i.path("recurrence").isNull(), "a period claimed on Poisson kills: " + i);
        assertTrue(i.path("count").asInt() >= 5, "enough failures that a period could have been claimed: " + i);
        assertTrue(i.path("summary").asText().contains("No period"), i.path("summary").asText());
    }

    @Test
    void crashesOnSslv2HellosAreTracedToTheHelloFormat() throws Exception {
        Diagnosis d = diagnose("crash-on-sslv2-hello");
        JsonNode i = d.serverDrop();
        JsonNode first = i.path("discriminators").path(0);
        assertEquals("hello_format", first.path("feature").asText(), i.path("discriminators").toString());
        assertEquals("sslv2", first.path("value").asText());
        assertEquals(first.path("failed_of").asLong(), first.path("failed").asLong(), "all failed hellos");
        assertEquals(0, first.path("ok").asLong(), "none of the completed ones");
        assertEquals(d.truth().path("counts").path("reset_after_client_hello").asLong(), i.path("count").asLong());
        assertTrue(i.path("summary").asText().contains("failed hellos were SSLv2-format; none of the"),
                i.path("summary").asText());
    }

    @Test
    void crashesOnOneSniAreTracedToThatSni() throws Exception {
        Diagnosis d = diagnose("crash-on-sni");
        JsonNode i = d.serverDrop();
        JsonNode trigger = d.truth().path("trigger");
        JsonNode first = i.path("discriminators").path(0);
        assertEquals(trigger.path("feature").asText(), first.path("feature").asText(), i.toString());
        assertEquals(trigger.path("value").asText(), first.path("value").asText());
        assertEquals(first.path("failed_of").asLong(), first.path("failed").asLong());
        assertEquals(0, first.path("ok").asLong());
    }

    @Test
    void crashesOnAnyHelloHaveNoDiscriminator() throws Exception {
        Diagnosis d = diagnose("crash-any-hello");
        JsonNode i = d.serverDrop();
        assertEquals("[]", i.path("discriminators").toString(), i.toString());
        assertTrue(i.path("ok_during").asLong() > 0, "completed handshakes to compare with: " + i);
        assertTrue(i.path("summary").asText().contains("No feature of the ClientHello separates failed from completed"),
                i.path("summary").asText());
    }

    @Test
    void theTextTellsTheStoryFirstThenTheFindingsInTimeOrder() throws Exception {
        Diagnosis d = diagnose("crash-loop-5s");
        List<String> lines = d.text().lines();
        int incidents = lines.indexOf("Incidents (one fault at one server, close in time):");
        int findings = lines.indexOf("Findings, in time order:");
        int table = lines.indexOf("Outcomes per server:");
        assertTrue(incidents >= 0 && incidents < findings && findings < table, String.join("\n", lines));
        List<String> stamps = lines.subList(findings + 1, table).stream().filter(l -> l.matches("^\\d{4}-.*"))
                .map(l -> l.substring(0, 23)).toList();
        assertEquals(d.findings().size(), stamps.size(), "one line per finding");
        List<String> sorted = new ArrayList<>(stamps);
        sorted.sort(null);
        assertEquals(sorted, stamps, "finding lines in time order");
        assertNotNull(lines.get(incidents + 1));
        assertTrue(lines.get(incidents + 1).contains("SERVER_DROP") && lines.get(incidents + 1).contains("Every 5.0"),
                lines.get(incidents + 1));
    }

    /** Kills that met at least one connection (the others are missed cycles on the wire). */
    private static long visibleKills(JsonNode truth) {
        JsonNode c = truth.path("counts");
        long n = 0;
        for (String k : List.of("crash_handshake", "crash_keepalive_idle", "crash_request_wait", "crash_upload_unread")) {
            n += c.path(k).asLong();
        }
        return n;
    }

    private static Map<String, Integer> counts(JsonNode o) {
        Map<String, Integer> m = new TreeMap<>();
        o.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue().asInt()));
        return m;
    }

}
