package dev.nfe.capture.decode;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.testdata.Corpus;
import dev.nfe.capture.testdata.Frames;
import dev.nfe.capture.testdata.RecordedFrame;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Garbage in, counts out: mutated real frames never make the decoder throw, and it allocates nothing for skipped frames. */
class DecoderRobustnessTest {
    private static final String[] SOURCES = {
            "zeek+zeek/testing/btest/Traces/tls/hrr.pcap",
            "OISF+suricata-verify/tests/tls/tls13-draft28/tls13_draft28.pcap",
            "zeek+zeek/testing/btest/Traces/pppoe-over-qinq.pcap",
            "ntop+nDPI/tests/cfgs/default/pcap/vxlan.pcap",
            "zeek+zeek/testing/btest/Traces/tunnels/geneve-47101.pcap",
            "ntop+nDPI/tests/cfgs/default/pcap/6in4tunnel.pcap",
            "OISF+suricata-verify/tests/tcp-empty-sack/tcp-opt.pcap",
            "ntop+nDPI/tests/cfgs/default/pcap/KakaoTalk_chat.pcap",
            "zeek+zeek/testing/btest/Traces/tls/openjdk-25.0.2-zeek.org.pcap",
            "zeek+zeek/testing/btest/Traces/tls/pop3-starttls.pcap",
            "arkime+arkime/tests/pcap/arkime_synthetic.pcap",
    };
    private static final int[] LINK_TYPES = {0, 1, 12, 14, 101, 108, 113, 228, 229, 276, 147};

    @Test
    void mutatedFramesNeverThrow() throws IOException {
        List<RecordedFrame> frames = new ArrayList<>();
        for (String s : SOURCES) {
            frames.addAll(read(s));
        }
        Random random = new Random(20240611);
        List<TcpSegment> segments = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(segments::add);
        int iterations = 60_000;
        for (int i = 0; i < iterations; i++) {
            RecordedFrame f = frames.get(random.nextInt(frames.size()));
            byte[] data = f.data().clone();
            int mutations = 1 + random.nextInt(4);
            for (int m = 0; m < mutations && data.length > 0; m++) {
                int at = random.nextInt(Math.min(data.length, 96));
                data[at] = (byte) random.nextInt(256);
            }
            int cap = random.nextInt(4) == 0 ? random.nextInt(data.length + 1) : data.length;
            int linkType = random.nextInt(8) == 0 ? LINK_TYPES[random.nextInt(LINK_TYPES.length)] : f.linkType();
            int off = random.nextInt(3);
            byte[] buf = new byte[off + data.length + random.nextInt(3)];
            System.arraycopy(data, 0, buf, off, data.length);
            int original = random.nextInt(10) == 0 ? random.nextInt(70_000) : f.originalLength();
            decoder.frame(i + 1, f.timestampNanos(), linkType, buf, off, cap, original);
        }
        DecodeStats stats = decoder.stats();
        assertEquals(iterations, stats.frames());
        assertEquals(stats.frames(), stats.tcpSegments() + stats.skipped(), stats.toString());
        assertEquals(segments.size(), stats.tcpSegments());
        for (TcpSegment s : segments) {
            assertTrue(s.payload().length() <= s.payloadLength() && s.payloadLength() >= 0, s.toString());
        }
        // the mutations reach most reasons
        long reasons = Arrays.stream(SkipReason.values()).filter(r -> stats.skipped(r) > 0).count();
        assertTrue(reasons >= 8, stats.toString());
    }

    @Test
    void skippedFramesAllocateNothing() throws IOException {
        // the QUIC (UDP) and other non-TCP frames of a real capture
        List<RecordedFrame> nonTcp = new ArrayList<>();
        SegmentDecoder probe = new SegmentDecoder(s -> { });
        for (RecordedFrame f : read("FoxIO-LLC+ja4/pcap/tls3.pcapng")) {
            long before = probe.stats().tcpSegments();
            probe.frame(f.number(), f.timestampNanos(), f.linkType(), f.data(), 0, f.data().length, f.originalLength());
            if (probe.stats().tcpSegments() == before) {
                nonTcp.add(f);
            }
        }
        assertTrue(nonTcp.size() > 500);
        SegmentDecoder decoder = new SegmentDecoder(s -> { throw new AssertionError("no segment expected"); });
        replay(decoder, nonTcp, 3); // warm up
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long before = mx.getThreadAllocatedBytes(thread);
        replay(decoder, nonTcp, 20);
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        assertTrue(allocated < 4096, "decoding " + 20 * nonTcp.size() + " skipped frames allocated " + allocated + " bytes");
    }

    @Test
    void tcpFramesAllocateOnlyTheSegment() throws IOException {
        List<RecordedFrame> frames = read("seladb+PcapPlusPlus/Tests/ExamplesTest/pcap_examples/tls2.pcap");
        long[] payload = new long[1];
        SegmentDecoder decoder = new SegmentDecoder(s -> payload[0] += s.payload().length());
        replay(decoder, frames, 2);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long thread = Thread.currentThread().getId();
        long segmentsBefore = decoder.stats().tcpSegments();
        payload[0] = 0;
        long before = mx.getThreadAllocatedBytes(thread);
        replay(decoder, frames, 5);
        long allocated = mx.getThreadAllocatedBytes(thread) - before;
        long segments = decoder.stats().tcpSegments() - segmentsBefore;
        // TcpSegment + 2 Endpoint + 2 IpAddress + Bytes + the payload array: well under 400 bytes + payload
        long bound = segments * 400 + payload[0] + segments * 24;
        assertTrue(allocated < bound, "allocated " + allocated + " for " + segments + " segments, bound " + bound);
    }

    private static void replay(SegmentDecoder decoder, List<RecordedFrame> frames, int times) {
        for (int t = 0; t < times; t++) {
            for (RecordedFrame f : frames) {
                decoder.frame(f.number(), f.timestampNanos(), f.linkType(), f.data(), 0, f.data().length, f.originalLength());
            }
        }
    }

    private static List<RecordedFrame> read(String name) throws IOException {
        try (FrameSource s = CaptureFiles.open(Corpus.capture(name))) {
            return Frames.readAll(s).frames();
        }
    }
}
