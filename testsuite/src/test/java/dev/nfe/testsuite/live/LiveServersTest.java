package dev.nfe.testsuite.live;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.testsuite.LiveEnv;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The live agent (no Kafka) on loopback while curl and openssl s_client, each pinned to TLS 1.2
 * or 1.3, talk to openssl s_server, nginx, and servers that reset after the ClientHello (a worker
 * killed by SIGSEGV after accept, a close() with the hello unread). Every connection the test made
 * must come out with the outcome its server gives; every reset must be a finding with the RST
 * from the server and confidence high.
 */
class LiveServersTest {

    @Test
    void everyClientConnectionGetsItsServersOutcome(@TempDir Path tmp) throws Exception {
        assumeTrue(Commands.root(), "live capture needs root (CI runs as root)");
        try (LoopbackServers servers = new LoopbackServers()) {
            List<LoopbackServers.Server> all = new ArrayList<>();
            for (LoopbackServers.Kind k : LoopbackServers.Kind.values()) {
                all.add(servers.start(k));
            }
            StringBuilder filter = new StringBuilder("tcp and (");
            for (int i = 0; i < all.size(); i++) {
                filter.append(i == 0 ? "" : " or ").append("port ").append(all.get(i).port());
            }
            filter.append(')');
            Path out = tmp.resolve("agent.jsonl");
            Path log = tmp.resolve("agent.log");
            String java = ProcessHandle.current().info().command().orElse("java");
            Process agent = new ProcessBuilder(java, "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-cp",
                    System.getProperty("java.class.path"), "dev.nfe.pipeline.cli.Nfe", "agent", "--interface", "lo",
                    "--filter", filter.toString(), "--sessions", "--format", "jsonl", "--out", out.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(log.toFile()).start();
            Map<String, Outcome> expected = new HashMap<>();
            try {
                LiveEnv.awaitLog(log, "capturing on lo", 60);
                for (LoopbackServers.Server s : all) {
                    for (TlsVersion v : TlsVersion.values()) {
                        for (Clients.Result c : List.of(Clients.curl(s.address(), v), Clients.sClient(s.address(), v))) {
                            if (c.client() != null) { // s_client without -bind support: its port is unknown
                                expected.put(c.clientEndpoint() + ">" + s.endpoint(), s.expectedFor(v));
                            }
                        }
                    }
                }
                Thread.sleep(1000);
            } finally {
                agent.destroy();
            }
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS));
            assertEquals(0, agent.exitValue(), Files.readString(log));

            ObjectMapper json = new ObjectMapper();
            Map<String, JsonNode> sessions = new HashMap<>();
            Map<String, JsonNode> findings = new HashMap<>();
            for (String line : Files.readAllLines(out)) {
                JsonNode n = json.readTree(line);
                String key = n.path("client").asText() + ">" + n.path("server").asText();
                switch (n.path("record").asText()) {
                    case "session" -> sessions.put(key, n);
                    case "finding" -> findings.put(key, n);
                    default -> { }
                }
            }
            assertTrue(expected.size() >= 15, "connections made: " + expected.keySet());
            long resets = 0;
            for (Map.Entry<String, Outcome> e : expected.entrySet()) {
                JsonNode s = sessions.get(e.getKey());
                assertTrue(s != null, "no session for " + e.getKey() + " in " + sessions.keySet());
                assertEquals(e.getValue().name(), s.path("outcome").asText(), e.getKey() + ": " + s);
                if (e.getValue() == Outcome.RESET_AFTER_CLIENT_HELLO) {
                    resets++;
                    JsonNode f = findings.get(e.getKey());
                    assertTrue(f != null, "no finding for the reset " + e.getKey());
                    assertEquals("server", s.path("rst").path("by").asText(), s.toString());
                    assertEquals("high", f.path("confidence").asText(), f.toString());
                }
            }
            assertTrue(resets >= 6, "resets checked: " + resets);
        }
    }
}
