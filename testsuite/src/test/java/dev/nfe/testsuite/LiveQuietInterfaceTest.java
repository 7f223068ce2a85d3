package dev.nfe.testsuite;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nfe.testsuite.live.NetnsVeth;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
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
 * The agent with default settings on an interface that goes quiet right after a connection was
 * reset after its ClientHello: every packet must be handed over and processed within a second
 * (the kernel must not keep them in a partly filled ring block), and the finding must be written
 * within a second of the RST (the requirement).
 *
 * <p>The connection is a real one: the first {@code reset_after_client_hello} connection of the
 * labelled loopback capture (a curl or s_client against a server that reset it), cut out with
 * tshark and replayed with tcpreplay onto a quiet veth. The expected outcome, client and server
 * come from the capture's labels, not from nfe.
 *
 * <p>What the finding waits for: a live agent finalises a connection a RST ended after 250 ms
 * without a packet in event time, a quiet interface's event time follows the wall clock 250 ms
 * behind, and the clock ticks (and the output is flushed) every 250 ms (Defaults.LIVE_*): at
 * most about 750 ms after the RST.
 */
class LiveQuietInterfaceTest {
    private static final Pattern SERVING = Pattern.compile("metrics on (http://\\S+/metrics)");
    private static final long PROCESSED_WITHIN_NANOS = 1_000_000_000L;
    private static final long FINDING_WITHIN_NANOS = 1_000_000_000L;

    @Test
    void everyPacketIsProcessedWithinASecondAndTheFindingFollows(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "live capture needs root (CI runs as root)");
        Path small = Nfe.shared().resolve("captures/loopback-small");
        String[] label = firstReset(small.resolve("labels.tsv"));
        String client = label[3] + ":" + label[4];
        String server = label[5] + ":" + label[6];
        Path pair = tmp.resolve("reset.pcap");
        tshark(small.resolve("capture.pcap"), "ip.addr==" + label[3] + " && tcp.port==" + label[4], pair);

        try (NetnsVeth veth = NetnsVeth.create()) {
            Path out = tmp.resolve("agent.jsonl");
            Path log = tmp.resolve("agent.log");
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("agent", "--interface", veth.captureInterface(), "--format", "jsonl", "--sessions",
                    "--out", out.toString(), "--metrics", "127.0.0.1:0"));
            Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
            long sent;
            long processedAfter;
            long findingAfter;
            try {
                LiveEnv.awaitLog(log, "capturing on " + veth.captureInterface(), 60);
                LiveEnv.awaitLog(log, "metrics on", 10);
                Matcher m = SERVING.matcher(Files.readString(log));
                assertTrue(m.find(), Files.readString(log));
                String metrics = m.group(1);
                // the first request sets up the HTTP client: not part of what is measured
                assertEquals(0, processed(metrics, veth.captureInterface()), "the veth was not quiet");
                // sent at the capture's own pace (a few ms); the RST is the last frame
                sent = LiveEnv.sentAll(veth.replay(pair, new NetnsVeth.Rate(List.of())));
                long rstSent = System.nanoTime();
                processedAfter = awaitProcessed(metrics, veth.captureInterface(), sent, rstSent);
                findingAfter = awaitFinding(out, rstSent);
            } finally {
                agent.destroy();
            }
            assertTrue(agent.waitFor(60, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            assertEquals(0, agent.exitValue(), Files.readString(log));
            System.out.printf("%d packets processed %.0f ms after the RST was sent, the finding written %.0f ms after%n",
                    sent, processedAfter / 1e6, findingAfter / 1e6);
            assertTrue(sent >= 5, "a handful of packets and the hello: " + sent);
            assertTrue(processedAfter <= PROCESSED_WITHIN_NANOS,
                    "packets processed " + processedAfter / 1_000_000 + " ms after the RST: " + Files.readString(log));
            assertTrue(findingAfter <= FINDING_WITHIN_NANOS, "finding written " + findingAfter / 1_000_000 + " ms after");

            List<JsonNode> records = LiveEnv.jsonLines(out);
            JsonNode finding = records.stream().filter(n -> n.path("record").asText().equals("finding")).findFirst()
                    .orElseThrow();
            assertEquals("RESET_AFTER_CLIENT_HELLO", finding.path("kind").asText(), finding.toString());
            assertEquals(client, finding.path("client").asText(), finding.toString());
            assertEquals(server, finding.path("server").asText(), finding.toString());
            JsonNode last = records.stream().filter(n -> n.path("record").asText().equals("capture_stats")
                    && n.path("last").asBoolean()).findFirst().orElseThrow();
            assertEquals(sent, last.path("pcap_received").asLong(), last.toString());
            assertEquals(sent, last.path("processed").asLong(), last.toString());
            assertEquals(0, last.path("capture_loss").asLong(), last.toString());
        }
    }

    /** The first IPv4 connection labelled reset_after_client_hello, as its label columns. */
    private static String[] firstReset(Path labels) throws IOException {
        for (String line : Files.readAllLines(labels)) {
            String[] f = line.split("\t");
            if (f.length > 7 && f[7].equals("reset_after_client_hello") && f[2].equals("ipv4")) {
                return f;
            }
        }
        throw new AssertionError("no reset_after_client_hello connection in " + labels);
    }

    private static void tshark(Path in, String displayFilter, Path out) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("tshark", "-r", in.toString(), "-Y", displayFilter, "-w", out.toString(),
                "-F", "pcap").redirectErrorStream(true).start();
        String said = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS) && p.exitValue() == 0, "tshark: " + said);
    }

    /**
     * Nanoseconds from {@code since} until the agent's metrics show every sent packet processed
     * (taken when the answer arrives, so a slow scrape only makes it look later).
     */
    private static long awaitProcessed(String metrics, String iface, long sent, long since) throws Exception {
        long deadline = since + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (processed(metrics, iface) >= sent) {
                return System.nanoTime() - since;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("the agent did not process all " + sent + " packets within 10 s");
    }

    private static long processed(String metrics, String iface) throws Exception {
        return (long) Scrape.of(metrics).sum("nfe_packets_total", "interface", iface);
    }

    /** Nanoseconds from {@code since} until a finding is in the output file. */
    private static long awaitFinding(Path out, long since) throws Exception {
        long deadline = since + 30_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (Files.exists(out) && Files.readString(out).contains("\"record\":\"finding\"")) {
                return System.nanoTime() - since;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("no finding within 30 s");
    }
}
