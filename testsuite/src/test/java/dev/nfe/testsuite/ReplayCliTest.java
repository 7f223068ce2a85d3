package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** What a user sees from {@code nfe replay}: output shapes, exit codes, one-line errors. */
class ReplayCliTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String SAMPLE = "samples/loopback/capture.pcap";

    private static List<JsonNode> records(Nfe.Run r) throws Exception {
        List<JsonNode> out = new ArrayList<>();
        for (String line : r.lines()) {
            out.add(JSON.readTree(line));
        }
        return out;
    }

    @Test
    void textOutputNamesEachResetAndEndsWithThePerServerTable() throws Exception {
        Nfe.Run r = Nfe.run("replay", SAMPLE);
        assertEquals(0, r.exit(), r.stderr());
        // finding lines start with their timestamp; incident lines (indented) summarise them
        long resets = r.lines().stream().filter(l -> l.matches("^\\d{4}-\\d\\d-\\d\\d .*")
                && l.contains("RESET_AFTER_CLIENT_HELLO") && l.contains("after the ClientHello")).count();
        assertEquals(11, resets, r.stdout());
        assertTrue(r.stdout().contains("SSLv2-format hello offering TLS 1.0"), r.stdout());
        assertTrue(r.stdout().contains("Outcomes per server:"), r.stdout());
        assertTrue(r.stdout().contains("Incidents"), r.stdout());
        assertTrue(r.stderr().isEmpty(), r.stderr());
    }

    @Test
    void jsonLinesFollowTheContract() throws Exception {
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", SAMPLE);
        assertEquals(0, r.exit(), r.stderr());
        List<JsonNode> recs = records(r);
        long sessions = recs.stream().filter(n -> n.path("record").asText().equals("session")).count();
        long findings = recs.stream().filter(n -> n.path("record").asText().equals("finding")).count();
        assertEquals(60, sessions);
        assertEquals("summary", recs.get(recs.size() - 1).path("record").asText());
        assertEquals(60 - 19 - 13, findings, "every non-healthy connection of the sample is a finding");
        for (JsonNode n : recs) {
            if (!n.path("record").asText().equals("session")) {
                continue;
            }
            assertEquals(SAMPLE, n.path("capture").asText());
            assertTrue(n.path("flow_id").asText().startsWith("1:"), n.toString());
            assertTrue(n.path("first_ts").asText().matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z"));
            JsonNode ch = n.path("client_hello");
            if (!ch.isNull()) {
                assertTrue(ch.path("handshake_version").asText().matches("0x[0-9a-f]{4}"), ch.toString());
                if (ch.path("sslv2_format").asBoolean()) {
                    assertTrue(ch.path("record_version").isNull());
                    assertTrue(ch.path("cipher_suites").get(0).asText().matches("0x[0-9a-f]{6}"));
                }
            }
            if (n.path("outcome").asText().equals("RESET_AFTER_CLIENT_HELLO")) {
                JsonNode rst = n.path("rst");
                assertEquals("server", rst.path("by").asText());
                assertTrue(rst.path("after_client_hello_us").asLong(-1) >= 0);
                assertEquals(rst.path("server_ttl").asInt(), rst.path("ttl").asInt(), "loopback: same host, same TTL");
                assertFalse(rst.path("injected_suspect").asBoolean());
                assertTrue(n.path("reset_after_client_hello").asBoolean());
            }
        }
    }

    @Test
    void damagedCaptureGivesItsResultsAOneLineErrorAndExit3() throws Exception {
        String damaged = Nfe.shared().resolve(
                "corpus/OISF+suricata-verify/tests/bug-1450-05/tls_DER-incomplete-content.pcap").toString();
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", damaged);
        assertEquals(3, r.exit(), r.stderr());
        assertEquals(1, r.stderr().strip().lines().count(), r.stderr());
        assertTrue(r.stderr().contains(damaged) && r.stderr().contains("byte"), r.stderr());
        assertFalse(r.stderr().contains("Exception"), r.stderr());
        assertTrue(records(r).stream().anyMatch(n -> n.path("record").asText().equals("session")),
                "the frames before the damage still give their session");
    }

    @Test
    void truncatedCaptureKeepsEverythingBeforeTheCut(@TempDir Path tmp) throws Exception {
        byte[] whole = Files.readAllBytes(Nfe.root().resolve(SAMPLE));
        Path cut = tmp.resolve("cut.pcap");
        Files.write(cut, java.util.Arrays.copyOf(whole, whole.length / 2 + 3));
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", cut.toString());
        assertEquals(3, r.exit(), r.stderr());
        assertTrue(r.stderr().startsWith("nfe: " + cut) && r.stderr().contains("damaged at byte"), r.stderr());
        long sessions = records(r).stream().filter(n -> n.path("record").asText().equals("session")).count();
        assertTrue(sessions >= 25, "half the capture still gives its sessions: " + sessions);
    }

    @Test
    void notACaptureExits2WithAClearMessage(@TempDir Path tmp) throws Exception {
        Path text = tmp.resolve("notes.pcap");
        Files.writeString(text, "this is not a capture, whatever the name says\n");
        Nfe.Run r = Nfe.run("replay", text.toString());
        assertEquals(2, r.exit());
        assertTrue(r.stderr().contains(text.toString()) && r.stderr().contains("not a pcap or pcapng capture"),
                r.stderr());
        assertTrue(r.stdout().isEmpty());

        Nfe.Run missing = Nfe.run("replay", tmp.resolve("nope.pcap").toString());
        assertEquals(2, missing.exit());
        assertTrue(missing.stderr().contains("no such file"), missing.stderr());
    }

    @Test
    void severalFilesInOneRunKeepTheirNames() throws Exception {
        String other = Nfe.shared().resolve("corpus/arkime+arkime/tests/pcap/pppoe.pcap").toString();
        Nfe.Run r = Nfe.run("replay", "--sessions", "--format", "jsonl", SAMPLE, other);
        assertEquals(0, r.exit(), r.stderr());
        List<JsonNode> recs = records(r);
        assertTrue(recs.stream().anyMatch(n -> n.path("capture").asText().equals(other)));
        assertTrue(recs.stream().anyMatch(n -> n.path("capture").asText().equals(SAMPLE)));
        JsonNode summary = recs.get(recs.size() - 1);
        assertEquals(2, summary.path("captures").size());
    }
}
