package dev.nfe.pipeline.kafka.codec;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The hand-written segment codec against Avro's own encoder, on real segments (IPv4 and IPv6). */
class SegmentCodecTest {
    private static final Path ROOT = Path.of(System.getProperty("nfe.root", ".."));

    private static List<TcpSegment> segments(Path pcap) throws Exception {
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        try (FrameSource src = CaptureFiles.open(pcap)) {
            while (src.next(decoder)) {
                // read all
            }
        }
        return out;
    }

    private static List<TcpSegment> realSegments() throws Exception {
        List<TcpSegment> all = new ArrayList<>(segments(ROOT.resolve("samples/loopback/capture.pcap")));
        assertTrue(all.stream().anyMatch(s -> s.src().ip().v6()) && all.stream().anyMatch(s -> !s.src().ip().v6()));
        return all;
    }

    /** What Avro's generated class writes for the same facts. */
    private static byte[] avroEncoding(TcpSegment s, String agent, String source, int keep, boolean first)
            throws Exception {
        ByteBuffer bb = dev.nfe.schema.v1.TcpSegment.newBuilder()
                .setTimestampNanos(s.timestampNanos()).setFrame(s.frame()).setSource(source)
                .setSrcIp(ByteBuffer.wrap(s.src().ip().toBytes())).setSrcPort(s.src().port())
                .setDstIp(ByteBuffer.wrap(s.dst().ip().toBytes())).setDstPort(s.dst().port())
                .setSeq(s.seq()).setAck(s.ack()).setFlags(s.flags()).setWindow(s.window()).setTtl(s.ttl())
                .setIpId(s.ipId()).setPayloadLength(s.payloadLength())
                .setPayload(ByteBuffer.wrap(s.payload().toByteArray(), 0, keep))
                .setTruncated(s.truncated()).setPayloadCut(keep < s.payload().length()).setAgent(agent)
                .setFirstInFlow(first).build().toByteBuffer();
        byte[] out = new byte[bb.remaining()];
        bb.get(out);
        return out;
    }

    @Test
    void writesExactlyWhatAvroWritesForEverySegmentOfARealCapture() throws Exception {
        SegmentCodec codec = new SegmentCodec();
        int n = 0;
        for (TcpSegment s : realSegments()) {
            boolean first = (n & 1) == 0;
            String source = n % 7 == 0 ? "other.pcap" : "samples/loopback/capture.pcap";
            assertArrayEquals(avroEncoding(s, "agent-é", source, s.payload().length(), first),
                    codec.encode(s, "agent-é", source, Integer.MAX_VALUE, first), s.toString());
            n++;
        }
        assertTrue(n > 500);
    }

    @Test
    void readsWhatAvroWritesBackIntoTheSameSegment() throws Exception {
        SegmentCodec codec = new SegmentCodec();
        for (TcpSegment s : realSegments()) {
            WireSegment w = codec.decode(avroEncoding(s, "a1", "f.pcap", s.payload().length(), true));
            assertEquals(s, w.segment());
            assertEquals("a1", w.agent());
            assertEquals("f.pcap", w.source());
            assertTrue(w.firstInFlow());
            assertFalse(w.payloadCut());
        }
    }

    @Test
    void aPayloadBudgetKeepsAPrefixAndSaysSo() throws Exception {
        SegmentCodec codec = new SegmentCodec();
        TcpSegment big = realSegments().stream().filter(s -> s.payload().length() > 100).findFirst().orElseThrow();
        WireSegment w = codec.decode(codec.encode(big, "a", "f", 10, false));
        assertTrue(w.payloadCut());
        assertEquals(10, w.segment().payload().length());
        assertEquals(big.payloadLength(), w.segment().payloadLength(), "the wire length stays exact");
        assertEquals(big.payload().slice(0, 10), w.segment().payload());
        assertEquals(big.seq(), w.segment().seq());
    }

    @Test
    void everyTruncationAndCorruptionIsABadRecordNeverAnotherException() throws Exception {
        SegmentCodec codec = new SegmentCodec();
        List<TcpSegment> all = realSegments();
        TcpSegment s = all.stream().filter(x -> x.payload().length() > 0).findFirst().orElseThrow();
        byte[] good = codec.encode(s, "agent", "src", Integer.MAX_VALUE, true);
        for (int len = 0; len < good.length; len++) {
            byte[] cut = Arrays.copyOf(good, len);
            assertThrows(BadRecordException.class, () -> codec.decode(cut), "cut at " + len);
        }
        byte[] longer = Arrays.copyOf(good, good.length + 1);
        assertThrows(BadRecordException.class, () -> codec.decode(longer), "trailing byte");
        Random rnd = new Random(42);
        int rejected = 0;
        for (int i = 0; i < 20_000; i++) {
            byte[] bad = good.clone();
            int flips = 1 + rnd.nextInt(4);
            for (int f = 0; f < flips; f++) {
                bad[10 + rnd.nextInt(bad.length - 10)] = (byte) rnd.nextInt(256);
            }
            try {
                codec.decode(bad);
            } catch (BadRecordException e) {
                rejected++;
            }
        }
        assertTrue(rejected > 1000, "corruption is mostly detected: " + rejected);
        byte[] garbage = new byte[64];
        rnd.nextBytes(garbage);
        assertThrows(BadRecordException.class, () -> codec.decode(garbage));
        assertThrows(BadRecordException.class, () -> codec.decode(null));
    }

    @Test
    void aRecordOfAnotherSchemaIsRecognisedByItsFingerprint() throws Exception {
        ByteBuffer marker = dev.nfe.schema.v1.AgentMarker.newBuilder().setAgent("a").setSource("s")
                .setKind(dev.nfe.schema.v1.MarkerKind.HEARTBEAT).setEventTsNanos(1).setFrames(2).setSegments(3)
                .build().toByteBuffer();
        byte[] value = new byte[marker.remaining()];
        marker.get(value);
        assertTrue(SegmentCodec.fingerprintOf(value) != SegmentCodec.FINGERPRINT);
        BadRecordException e = assertThrows(BadRecordException.class, () -> new SegmentCodec().decode(value));
        assertTrue(e.getMessage().contains("not a TcpSegment"));
        assertTrue(Files.exists(ROOT.resolve("samples/loopback/capture.pcap")));
    }
}
