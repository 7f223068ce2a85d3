package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
        try (Veth veth = Veth.create()) {
            Path out = tmp.resolve("agent.jsonl");
            Path log = tmp.resolve("agent.log");
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("agent", "--interface", veth.outside(), "--buffer-size", "2097152",
                    "--queue-bytes", "1048576", "--format", "jsonl", "--out", out.toString()));
            Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
            long sent;
            try {
                LiveEnv.awaitLog(log, "capturing on " + veth.outside(), 60);
                sent = veth.replayTopSpeed(capture);
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

    /** A network namespace with one end of a veth pair; the other end stays here for the agent. */
    record Veth(String ns, String inside, String outside) implements AutoCloseable {
        static Veth create() throws Exception {
            String id = Long.toString(ProcessHandle.current().pid() % 100_000);
            Veth v = new Veth("nfe-ov-" + id, "nfeov" + id + "a", "nfeov" + id + "b");
            v.cleanup();
            sh("ip", "netns", "add", v.ns);
            sh("ip", "link", "add", v.inside, "type", "veth", "peer", "name", v.outside);
            sh("ip", "link", "set", v.inside, "netns", v.ns);
            // loopback captures hold frames up to 64 KiB: the pair must carry them
            sh("ip", "netns", "exec", v.ns, "ip", "link", "set", v.inside, "mtu", "65535", "up");
            sh("ip", "link", "set", v.outside, "mtu", "65535", "up");
            sh("sysctl", "-qw", "net.ipv6.conf." + v.outside + ".disable_ipv6=1");
            return v;
        }

        /** Sends the capture at top speed; returns the packets tcpreplay says it sent. */
        long replayTopSpeed(Path capture) throws Exception {
            Nfe.Run r = Nfe.exec(List.of("ip", "netns", "exec", ns, "tcpreplay", "--topspeed", "-i", inside,
                    capture.toString()), 300);
            assertEquals(0, r.exit(), r.stderr() + r.stdout());
            Matcher m = Pattern.compile("Actual: (\\d+) packets").matcher(r.stdout());
            assertTrue(m.find(), r.stdout());
            Matcher failed = Pattern.compile("Failed packets:\\s+(\\d+)").matcher(r.stdout());
            assertTrue(failed.find() && failed.group(1).equals("0"), r.stdout());
            return Long.parseLong(m.group(1));
        }

        private void cleanup() throws Exception {
            Nfe.exec(List.of("ip", "link", "del", outside), 30);
            Nfe.exec(List.of("ip", "netns", "del", ns), 30);
        }

        @Override
        public void close() throws Exception {
            cleanup();
        }

        private static void sh(String... cmd) throws Exception {
            Nfe.Run r = Nfe.exec(List.of(cmd), 60);
            assertEquals(0, r.exit(), String.join(" ", cmd) + ": " + r.stderr());
        }
    }
}
