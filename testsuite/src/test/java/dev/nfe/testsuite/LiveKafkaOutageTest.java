package dev.nfe.testsuite;

import dev.nfe.pipeline.kafka.codec.AvroValues;
import dev.nfe.pipeline.kafka.codec.SegmentCodec;
import dev.nfe.pipeline.kafka.codec.WireSegment;
import dev.nfe.schema.v1.AgentStats;
import dev.nfe.testsuite.live.NetnsVeth;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * Backpressure with a real broker (deploy/kafka) that goes away while the live agent captures:
 * the agent keeps capturing, its producer buffer (made small here) and then its frame queue fill,
 * it drops and counts; when the broker is back it catches up. Afterwards the segments topic holds
 * exactly the segments the agent says Kafka acknowledged, each once, and its final AgentStats
 * balance: received = processed + kernel drops + queue drops, segments = published + refused.
 */
class LiveKafkaOutageTest {

    @Test
    void theAgentKeepsCapturingWhileKafkaIsAwayCountsItsDropsAndCatchesUp(@TempDir Path tmp) throws Exception {
        assumeTrue(LiveEnv.root(), "live capture needs root (CI runs as root)");
        Path small = Nfe.shared().resolve("captures/loopback-small/capture.pcap");
        Path large = LargeCapture.dir().resolve("capture.pcap");
        Path props = tmp.resolve("producer.properties");
        // a 1 MiB producer buffer fills within a second of the outage, so the queue has to take over
        Files.writeString(props, "buffer.memory=1048576\n");
        try (NetnsVeth veth = NetnsVeth.create(); DeployedKafka kafka = new DeployedKafka()) {
            DeployedKafka.Run start = kafka.script("start");
            assertEquals(0, start.exit(), start.describe());
            Path log = tmp.resolve("agent.log");
            List<String> cmd = new ArrayList<>(Nfe.command());
            cmd.addAll(List.of("agent", "--interface", veth.captureInterface(), "--kafka", kafka.bootstrap(), "--kafka-config",
                    props.toString(), "--topic-prefix", "live.", "--agent-id", "live-agent", "--queue-bytes", "4194304",
                    // the kernel ring must not be what drops: 256 MiB hold the whole replay, also with
                    // --immediate (a 64 KiB-MTU veth makes every slot 64 KiB: 4,096 frames)
                    "--buffer-size", "268435456",
                    "--stats-interval", "1"));
            Process agent = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(log.toFile()).start();
            String source = "live-agent/" + veth.captureInterface();
            long sent;
            try (Admin admin = Admin.create(KafkaReads.client(kafka.bootstrap()))) {
                LiveEnv.awaitLog(log, "capturing on " + veth.captureInterface(), 60);
                sent = LiveEnv.sentAll(veth.replay(small, NetnsVeth.Rate.pps(4000)));
                KafkaReads.await("the first replay on the topic", 60_000, () -> segmentsOnTopic(kafka, source) >= 2000);

                DeployedKafka.Run stop = kafka.script("stop");
                assertEquals(0, stop.exit(), stop.describe());
                // 40,000 packets in 2 s with nowhere to go: more than the producer buffer and the queue hold
                sent += LiveEnv.sentAll(veth.replay(large, new NetnsVeth.Rate(List.of("--pps=20000", "--limit=40000"))));
                assertTrue(agent.isAlive(), "the agent kept running without Kafka");
                DeployedKafka.Run again = kafka.script("start");
                assertEquals(0, again.exit(), again.describe());
                sent += LiveEnv.sentAll(veth.replay(small, NetnsVeth.Rate.pps(4000)));
                Thread.sleep(2000);
            } finally {
                agent.destroy(); // SIGTERM
            }
            assertTrue(agent.waitFor(120, TimeUnit.SECONDS), "agent did not stop on SIGTERM");
            assertEquals(0, agent.exitValue(), Files.readString(log));

            AgentStats last = null;
            for (ConsumerRecord<byte[], byte[]> r : KafkaReads.readAll(kafka.bootstrap(), "live.agent-stats")) {
                AgentStats s = AvroValues.decodeStats(r.value());
                if (s.getSource().equals(source) && s.getFinal$()) {
                    last = s;
                }
            }
            assertTrue(last != null, "no final AgentStats on live.agent-stats");
            System.out.println("sent " + sent + "; final AgentStats " + last);
            long received = last.getPcapReceived();
            assertEquals(sent, received + last.getPcapIfDropped(), "the kernel saw every packet sent");
            assertEquals(received, last.getFrames() + last.getPcapDropped() + last.getDroppedQueueFull(),
                    "received = processed + dropped");
            assertTrue(last.getDroppedQueueFull() > 0, "the outage should have filled the queue: " + last);
            assertEquals(last.getSegments(), last.getSegmentsPublished() + last.getPublishErrors(), last.toString());
            assertEquals(last.getPublishErrors(), last.getDroppedKafka());
            assertEquals(last.getSegmentsPublished(), segmentsOnTopic(kafka, source),
                    "the topic holds each acknowledged segment once");
            assertTrue(last.getFrames() > 2 * 3877, "segments after the outage were captured and published: " + last);
        }
    }

    /** TcpSegment records of {@code source} on live.segments (markers and other sources aside). */
    private static long segmentsOnTopic(DeployedKafka kafka, String source) {
        SegmentCodec codec = new SegmentCodec();
        long n = 0;
        for (ConsumerRecord<byte[], byte[]> r : KafkaReads.readAll(kafka.bootstrap(), "live.segments")) {
            if (r.value() != null && r.value().length > 10 && SegmentCodec.fingerprintOf(r.value()) == SegmentCodec.FINGERPRINT) {
                try {
                    WireSegment w = codec.decode(r.value());
                    if (w.source().equals(source)) {
                        n++;
                    }
                } catch (dev.nfe.pipeline.kafka.codec.BadRecordException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return n;
    }
}
