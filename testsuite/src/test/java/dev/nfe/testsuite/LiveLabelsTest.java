package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The issue's own command, live on loopback with no Kafka, while ../shared/tools/make-capture.sh
 * makes real traffic: nginx (OpenSSL 3, TLS 1.2 and 1.3), curl and openssl s_client, prefork
 * servers whose workers crash after accept (RST with the ClientHello unread), SSLv2-format hellos.
 * The generator labels every connection; the independent scorer then checks the agent's session
 * records against the labels. SIGTERM must leave a complete file: every line a JSON record, the
 * last counters balanced, the summary last.
 */
class LiveLabelsTest {
    private static final int CONNECTIONS = 120;

    @Test
    void agentOnLoopbackClassifiesEveryLabelledConnection(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "live capture needs root (CI runs as root)");
        Path out = tmp.resolve("agent.jsonl");
        List<String> cmd = new ArrayList<>(Nfe.command());
        cmd.addAll(List.of("agent", "--interface", "lo", "--filter", "tcp and (port 443 or portrange 4443-9443)",
                "--sessions", "--format", "jsonl", "--out", out.toString()));
        Path log = tmp.resolve("agent.log");
        Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .redirectError(log.toFile()).start();
        try {
            LiveEnv.awaitLog(log, "capturing on lo", 60);
            Path gen = tmp.resolve("gen");
            Nfe.Run made = Nfe.exec(List.of("bash", Nfe.shared().resolve("tools/make-capture.sh").toString(),
                    "-n", Integer.toString(CONNECTIONS), "--seed", "11", "--out", gen.resolve("out").toString()),
                    600, "BENCH=" + gen);
            assertEquals(0, made.exit(), made.stderr());
            // the last connections' ends are on the wire now; give the agent a moment to read them
            Thread.sleep(1500);
        } finally {
            agent.destroy(); // SIGTERM
        }
        assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
        assertEquals(0, agent.exitValue(), Files.readString(log));

        List<JsonNode> lines = LiveEnv.jsonLines(out);
        assertEquals("summary", lines.get(lines.size() - 1).path("record").asText(), "summary is the last line");
        JsonNode finalStats = lines.stream().filter(n -> n.path("record").asText().equals("capture_stats")
                && n.path("last").asBoolean()).findFirst().orElseThrow();
        assertEquals(finalStats.path("pcap_received").asLong(), finalStats.path("processed").asLong()
                + finalStats.path("pcap_dropped").asLong() + finalStats.path("queue_dropped").asLong(), finalStats.toString());
        assertEquals(0, finalStats.path("capture_loss").asLong(), "nothing lost at this rate: " + finalStats);
        for (JsonNode n : lines) {
            if (n.path("record").asText().equals("finding")) {
                assertEquals("high", n.path("confidence").asText(), n.toString());
            }
        }

        ScoreCorpus.Score s = ScoreCorpus.sessionsFrom(out, tmp.resolve("gen/out/capture.pcap"));
        System.out.println(s.report());
        assertEquals(CONNECTIONS, s.total("connection found"), s.report());
        assertEquals(CONNECTIONS, s.agree("connection found"), s.report());
        assertEquals(CONNECTIONS, s.agree("outcome"), s.report());
        ScoreCorpus.assertOnlyKnownLabelQuirks(s);
        assertFalse(Files.readString(log).contains("do not balance"), Files.readString(log));
    }
}
