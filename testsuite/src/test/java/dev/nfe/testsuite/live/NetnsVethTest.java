package dev.nfe.testsuite.live;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A capture replayed into the namespace arrives on the peer whole: tcpreplay's counts, and
 * tcpdump on the peer (promiscuous or not) sees every frame byte for byte and nothing else.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class NetnsVethTest {
    private static final String LOOPBACK_SMALL = "captures/loopback-small/capture.pcap";

    @BeforeEach
    void needsRoot() {
        assumeTrue(Commands.root(), "network namespaces, veth links and tcpdump need root");
    }

    @Test
    void aLoopbackCaptureReplayedIntoTheNamespaceArrivesWholeOnThePeer() throws Exception {
        Path capture = Commands.shared().resolve(LOOPBACK_SMALL);
        assertEquals(1, NetnsVeth.linkType(capture), "loopback captures from tcpdump -i lo are Ethernet");
        List<byte[]> sent = Tcpdump.frames(capture);
        Path dir = Files.createTempDirectory("nfe-live-veth");
        try (NetnsVeth veth = NetnsVeth.create()) {
            Path promiscuous = dir.resolve("promiscuous.pcap");
            Path plain = dir.resolve("not-promiscuous.pcap");
            NetnsVeth.Replay replay;
            Tcpdump.Stats statsP;
            Tcpdump.Stats statsN;
            try (Tcpdump p = Tcpdump.start(veth.captureInterface(), null, promiscuous, true);
                 Tcpdump n = Tcpdump.start(veth.captureInterface(), null, plain, false)) {
                replay = veth.replay(capture, NetnsVeth.Rate.topspeed());
                statsP = p.stop();
                statsN = n.stop();
            }
            assertEquals(sent.size(), replay.packets(), replay.run().describe());
            assertEquals(sent.size(), replay.successful(), replay.run().describe());
            assertEquals(0, replay.failed(), replay.run().describe());
            assertEquals(sent.stream().mapToLong(f -> f.length).sum(), replay.bytes(), replay.run().describe());
            for (Tcpdump.Stats s : List.of(statsP, statsN)) {
                assertEquals(0, s.dropped(), s.stderr());
                assertEquals(sent.size(), s.captured(), s.stderr());
            }
            for (Path file : List.of(promiscuous, plain)) {
                List<byte[]> seen = Tcpdump.frames(file);
                assertEquals(sent.size(), seen.size(), file.getFileName() + ": frames on " + veth.captureInterface());
                for (int i = 0; i < sent.size(); i++) {
                    assertTrue(Arrays.equals(sent.get(i), seen.get(i)), file.getFileName() + ": frame " + (i + 1) + " differs");
                }
            }
        } finally {
            Commands.deleteTree(dir);
        }
    }

    @Test
    void ratesSlowTheReplayDown() throws Exception {
        Path capture = Commands.shared().resolve(LOOPBACK_SMALL);
        try (NetnsVeth veth = NetnsVeth.create()) {
            NetnsVeth.Replay fast = veth.replay(capture, NetnsVeth.Rate.topspeed());
            // 3,877 frames at 20,000 per second take at least 0.19 s; 740,820 bytes at 50 Mbit/s 0.12 s
            NetnsVeth.Replay pps = veth.replay(capture, NetnsVeth.Rate.pps(20_000));
            NetnsVeth.Replay mbps = veth.replay(capture, NetnsVeth.Rate.mbps(50));
            for (NetnsVeth.Replay r : List.of(fast, pps, mbps)) {
                assertEquals(fast.packets(), r.packets(), r.run().describe());
                assertEquals(0, r.failed(), r.run().describe());
            }
            assertTrue(pps.seconds() >= 0.17, pps.run().describe());
            assertTrue(pps.pps() <= 21_000, pps.run().describe());
            assertTrue(mbps.seconds() >= 0.10, mbps.run().describe());
            assertTrue(mbps.mbps() <= 55, mbps.run().describe());
            NetnsVeth.Replay twice = veth.replay(capture, NetnsVeth.Rate.topspeed(), 2, Duration.ofMinutes(1));
            assertEquals(2 * fast.packets(), twice.packets(), twice.run().describe());
        }
    }

    @Test
    void commandsRunInsideAndCloseRemovesEverythingEvenAfterAFailure() throws Exception {
        NetnsVeth[] held = new NetnsVeth[1];
        IllegalStateException boom = assertThrows(IllegalStateException.class, () -> {
            try (NetnsVeth veth = NetnsVeth.create()) {
                held[0] = veth;
                assertTrue(veth.exists());
                Commands.Result links = veth.exec(List.of(Commands.sbin("ip"), "-o", "link", "show"), Duration.ofSeconds(10));
                assertTrue(links.ok(), links.describe());
                assertTrue(links.stdout().contains(" " + veth.replayInterface() + "@"), links.describe());
                assertFalse(links.stdout().contains(veth.captureInterface()), links.describe());
                String mtu = Files.readString(Path.of("/sys/class/net", veth.captureInterface(), "mtu")).trim();
                assertEquals("65535", mtu);
                throw new IllegalStateException("a test fails while the namespace exists");
            }
        });
        assertEquals("a test fails while the namespace exists", boom.getMessage());
        NetnsVeth veth = held[0];
        assertFalse(veth.exists(), veth.namespace() + " or " + veth.captureInterface() + " is left");
        Commands.Result namespaces = Commands.check(List.of(Commands.sbin("ip"), "netns", "list"), Duration.ofSeconds(10));
        assertFalse(namespaces.stdout().lines().anyMatch(l -> l.split(" ")[0].equals(veth.namespace())),
                namespaces.describe());
        veth.close(); // twice is harmless
    }
}
