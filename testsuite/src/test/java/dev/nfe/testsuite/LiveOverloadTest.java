package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.testsuite.live.NetnsVeth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Drop accounting under real overload: tcpreplay sends the 383,710-packet loopback capture at top
 * speed from a network namespace over a veth pair, the agent captures the other end with a small
 * kernel buffer and a small queue, so it must lose packets both in the kernel and in its queue.
 * Every packet the kernel counted must be accounted for, exactly: received = processed + kernel
 * drops + queue drops; and the kernel must have counted every packet tcpreplay sent.
 */
class LiveOverloadTest {

    @Test
    void everyReceivedPacketIsProcessedOrCountedAsDropped(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "live capture needs root (CI runs as root)");
        Path capture = LargeCapture.dir().resolve("capture.pcap");
        try (NetnsVeth veth = NetnsVeth.create()) {
            Path out = tmp.resolve("agent.jsonl");
            Path log = tmp.resolve("agent.log");
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("agent", "--interface", veth.captureInterface(), "--buffer-size", "2097152",
                    "--queue-bytes", "1048576", "--format", "jsonl", "--out", out.toString()));
            Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
            long sent;
            try {
                LiveEnv.awaitLog(log, "capturing on " + veth.captureInterface(), 60);
                sent = LiveEnv.sentAll(veth.replay(capture, NetnsVeth.Rate.topspeed()));
                Thread.sleep(1000);
            } finally {
                agent.destroy();
            }
            assertTrue(agent.waitFor(120, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            assertEquals(0, agent.exitValue(), Files.readString(log));

            JsonNode last = LiveEnv.jsonLines(out).stream().filter(n -> n.path("record").asText()
                    .equals("capture_stats") && n.path("last").asBoolean()).findFirst().orElseThrow();
            System.out.println("tcpreplay sent " + sent + "; agent: " + last);
            long received = last.path("pcap_received").asLong();
            long processed = last.path("processed").asLong();
            long kernel = last.path("pcap_dropped").asLong();
            long queue = last.path("queue_dropped").asLong();
            assertEquals(received, processed + kernel + queue, "received = processed + dropped: " + last);
            assertEquals(sent, received + last.path("pcap_if_dropped").asLong(), "the kernel saw what was sent: " + last);
            assertTrue(kernel + queue > 0, "no overload happened, the test proves nothing: " + last);
            assertEquals(kernel + last.path("pcap_if_dropped").asLong() + queue, last.path("capture_loss").asLong());
        }
    }
}
