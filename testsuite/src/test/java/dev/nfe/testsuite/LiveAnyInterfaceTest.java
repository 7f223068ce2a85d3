package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.testsuite.live.NetnsVeth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
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
 * {@code nfe agent -i any}: Linux cooked capture v2 (LINKTYPE_LINUX_SLL2) over every interface at
 * once. Three refused connections on loopback (which a packet socket sees twice, outgoing and
 * incoming) and a real reset-after-hello connection replayed onto a veth arrive together; each
 * connection must come out once with its outcome, and every packet the kernel counted must be
 * processed: no loopback copy counted and then skipped.
 */
class LiveAnyInterfaceTest {
    private static final int LINKTYPE_LINUX_SLL2 = 276;

    @Test
    void anyCapturesLoopbackOnceAndOtherInterfacesInCookedV2(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "live capture needs root (CI runs as root)");
        Path small = Nfe.shared().resolve("captures/loopback-small");
        String[] reset = null;
        for (String line : Files.readAllLines(small.resolve("labels.tsv"))) {
            String[] f = line.split("\t");
            if (f.length > 7 && f[7].equals("reset_after_client_hello") && f[2].equals("ipv4")) {
                reset = f;
                break;
            }
        }
        assertTrue(reset != null, "no reset_after_client_hello connection in the labels");
        String resetFilter = "host " + reset[3] + " and host " + reset[5] + " and port " + reset[4];
        Path pair = tmp.resolve("reset.pcap");
        Process tshark = new ProcessBuilder("tshark", "-r", small.resolve("capture.pcap").toString(), "-Y",
                "ip.addr==" + reset[3] + " && tcp.port==" + reset[4], "-w", pair.toString(), "-F", "pcap")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        assertTrue(tshark.waitFor(120, TimeUnit.SECONDS) && tshark.exitValue() == 0, "tshark failed");
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort(); // free now; nothing listens on it during the test
        }

        try (NetnsVeth veth = NetnsVeth.create()) {
            Path out = tmp.resolve("agent.jsonl");
            Path log = tmp.resolve("agent.log");
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("agent", "--interface", "any", "--filter",
                    "tcp and (port " + port + " or (" + resetFilter + "))", "--sessions", "--format", "jsonl",
                    "--out", out.toString()));
            Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
            long replayed;
            try {
                LiveEnv.awaitLog(log, "capturing on any (link type " + LINKTYPE_LINUX_SLL2 + ",", 60);
                for (int i = 0; i < 3; i++) {
                    try (Socket c = new Socket()) {
                        c.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                    } catch (ConnectException refused) {
                        // the RST the agent must see
                    }
                }
                replayed = LiveEnv.sentAll(veth.replay(pair, new NetnsVeth.Rate(List.of())));
                Thread.sleep(1000);
            } finally {
                agent.destroy();
            }
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            assertEquals(0, agent.exitValue(), Files.readString(log));

            Map<String, Integer> outcomes = new HashMap<>();
            JsonNode last = null;
            for (JsonNode n : LiveEnv.jsonLines(out)) {
                switch (n.path("record").asText()) {
                    case "session" -> outcomes.merge(n.path("server").asText() + " " + n.path("outcome").asText(), 1,
                            Integer::sum);
                    case "capture_stats" -> last = n;
                    default -> { }
                }
            }
            assertEquals(Map.of("127.0.0.1:" + port + " CONNECTION_REFUSED", 3,
                    reset[5] + ":" + reset[6] + " RESET_AFTER_CLIENT_HELLO", 1), outcomes);
            assertTrue(last != null && last.path("last").asBoolean(), String.valueOf(last));
            long received = last.path("pcap_received").asLong();
            assertEquals(received, last.path("processed").asLong(), "a counted packet was not processed: " + last);
            assertEquals(0, last.path("capture_loss").asLong(), last.toString());
            // each refused connect is a SYN and a RST, seen once each; the replayed connection whole
            assertEquals(3 * 2 + replayed, received, last.toString());
        }
    }
}
