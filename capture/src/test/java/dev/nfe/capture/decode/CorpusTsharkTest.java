package dev.nfe.capture.decode;

import dev.nfe.capture.IpAddress;
import dev.nfe.capture.TcpFlags;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Decoded;
import dev.nfe.capture.testdata.Tshark;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/**
 * The strongest test: for every capture of the corpus (and the small loopback capture), the decoder's segments agree with tshark's
 * view of every TCP frame (innermost headers), field by field, and there are no extra ones. A TCP
 * frame tshark shows may only be missing when it is a documented skip: a header quoted inside an
 * ICMP error (not a segment), or a TCP header cut by the snap length. Both reassemble IP
 * fragments, and both show the rebuilt segment in the frame of the fragment that completed it.
 */
class CorpusTsharkTest {
    /** Skips that may hide a frame tshark calls TCP. */
    private static final Set<SkipReason> DOCUMENTED = EnumSet.of(SkipReason.TCP_HEADER_TRUNCATED);
    private static final Pattern PACKETS = Pattern.compile("\"packets\":\\s*(\\d+)");

    private static final ExecutorService TSHARK = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stop() {
        TSHARK.shutdownNow();
    }

    @TestFactory
    Stream<DynamicTest> everyCorpusCaptureAgreesWithTshark() {
        Tshark.require();
        List<Path> captures = new ArrayList<>(Corpus.captures());
        assertTrue(captures.size() >= 90, "expected the 97-capture corpus, found " + captures.size());
        // the small real loopback capture beside the corpus (3877 frames)
        Path loopback = Corpus.shared().resolve("captures/loopback-small/capture.pcap");
        if (Files.exists(loopback)) {
            captures.add(loopback);
        }
        Map<Path, CompletableFuture<Tshark.Output>> truth = new LinkedHashMap<>();
        for (Path p : captures) {
            truth.put(p, CompletableFuture.supplyAsync(() -> {
                try {
                    return Tshark.tcpFrames(p);
                } catch (Exception e) {
                    throw new IllegalStateException("tshark failed on " + p, e);
                }
            }, TSHARK));
        }
        return captures.stream().map(p -> DynamicTest.dynamicTest(Corpus.name(p), () -> compare(p, truth.get(p).join())));
    }

    private static void compare(Path capture, Tshark.Output tshark) throws Exception {
        Decoded decoded = Decoded.of(capture);
        String name = Corpus.name(capture);
        if (tshark.exitCode() != 0) {
            assertNotNull(decoded.damage(), name + ": tshark failed (" + tshark.stderr().strip()
                    + ") but the reader found no damage");
        } else {
            assertNull(decoded.damage(), name + ": reader reports damage tshark does not see");
        }
        checkFrameCount(capture, decoded);

        Map<Long, TcpSegment> actual = new LinkedHashMap<>();
        for (TcpSegment s : decoded.segments()) {
            assertNull(actual.put(s.frame(), s), name + ": two segments from frame " + s.frame());
        }
        List<String> problems = new ArrayList<>();
        for (Tshark.TcpFrame t : tshark.frames()) {
            TcpSegment s = actual.remove(t.frame());
            SkipReason skip = decoded.skips().get(t.frame());
            if (t.insideIcmp()) {
                if (s != null || skip != SkipReason.NON_TCP) {
                    problems.add("frame " + t.frame() + ": TCP header quoted in ICMP (" + t.protocols()
                            + ") should be skipped as non_tcp, got " + (s != null ? s : skip));
                }
                continue;
            }
            if (s == null) {
                // the first fragment of a datagram that never completed: tshark shows the part of the TCP
                // header it holds (no flags, or no ack), the decoder waits for the rest and counts it held
                boolean partialHeaderInFragment = t.flags() < 0
                        && (skip == SkipReason.IPV4_FRAGMENT || skip == SkipReason.IPV6_FRAGMENT);
                if (!partialHeaderInFragment && (skip == null || !DOCUMENTED.contains(skip))) {
                    problems.add("frame " + t.frame() + ": tshark sees TCP (" + t.protocols() + "), decoder skipped it: "
                            + skip);
                }
                continue;
            }
            compareFields(t, s, problems);
        }
        for (TcpSegment extra : actual.values()) {
            problems.add("frame " + extra.frame() + ": decoder made a segment tshark does not see: " + extra);
        }
        if (!problems.isEmpty()) {
            fail(name + ": " + problems.size() + " disagreements with tshark:\n  "
                    + String.join("\n  ", problems.subList(0, Math.min(30, problems.size()))));
        }
    }

    private static void compareFields(Tshark.TcpFrame t, TcpSegment s, List<String> problems) {
        List<String> diff = new ArrayList<>();
        check(diff, "src", IpAddress.parse(t.src()), s.src().ip());
        check(diff, "dst", IpAddress.parse(t.dst()), s.dst().ip());
        check(diff, "srcport", t.srcPort(), s.src().port());
        check(diff, "dstport", t.dstPort(), s.dst().port());
        check(diff, "seq", t.seq(), s.seq());
        check(diff, "ack", t.ack(), s.ack());
        // tshark's tcp.flags has 12 bits; the 3 reserved bits above AE are not flags
        check(diff, "flags", TcpFlags.describe(t.flags() & 0x1ff) + "/" + (t.flags() & 0x1ff),
                TcpFlags.describe(s.flags()) + "/" + s.flags());
        check(diff, "window", t.window(), s.window());
        check(diff, "len", t.length(), s.payloadLength());
        check(diff, "ttl", t.ttl(), s.ttl());
        check(diff, "ip.id", t.ipId(), s.ipId());
        check(diff, "time", t.timestampNanos(), s.timestampNanos());
        if (s.payload().length() > s.payloadLength() || (s.truncated() != (s.payload().length() < s.payloadLength()))) {
            diff.add("captured payload " + s.payload().length() + " vs wire " + s.payloadLength() + " truncated="
                    + s.truncated());
        }
        if (!diff.isEmpty()) {
            problems.add("frame " + t.frame() + " (" + t.protocols() + "): " + String.join(", ", diff));
        }
    }

    private static void check(List<String> diff, String field, Object tshark, Object ours) {
        if (!tshark.equals(ours)) {
            diff.add(field + " tshark=" + tshark + " ours=" + ours);
        }
    }

    /** The frame count agrees with capinfos (from the corpus's meta.json), and every frame is one segment or one skip. */
    private static void checkFrameCount(Path capture, Decoded decoded) throws Exception {
        DecodeStats stats = decoded.stats();
        assertEquals(stats.frames(), stats.tcpSegments() + stats.skipped(), "frames = segments + skips: " + stats);
        assertEquals(stats.skipped(), decoded.skips().size(), "one skip per skipped frame");
        Path meta = capture.resolveSibling(capture.getFileName() + ".meta.json");
        if (Files.exists(meta)) {
            Matcher m = PACKETS.matcher(Files.readString(meta));
            if (m.find()) {
                assertEquals(Long.parseLong(m.group(1)), stats.frames(), Corpus.name(capture) + ": frame count vs capinfos");
            }
        }
    }
}
