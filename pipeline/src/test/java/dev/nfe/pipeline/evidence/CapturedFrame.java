package dev.nfe.pipeline.evidence;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.capture.file.PcapngWriter;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A frame of a real capture as the live agent hands it to the {@link FrameStore}: its own array
 * (copied out of the reader's buffer, as the capture thread copies out of the kernel ring) and the
 * TCP segment the real decoder made of it. Frames that are not TCP are not here (the agent never
 * offers them to the store).
 */
record CapturedFrame(long number, long tsNanos, int linkType, byte[] data, int originalLength, TcpSegment segment) {
    static final Path ROOT = Path.of(System.getProperty("nfe.root", "..")).toAbsolutePath().normalize();
    static final Path SHARED = Path.of(System.getProperty("nfe.shared", "../../shared")).toAbsolutePath().normalize();

    static Path existing(Path p) {
        assertTrue(Files.isRegularFile(p), "missing capture " + p);
        return p;
    }

    void feed(FrameStore store, int source) {
        store.frame(source, number, tsNanos, linkType, data, originalLength, segment);
    }

    /** What the store charges for this frame, as {@link StoredFrame} defines it. */
    long cost() {
        return new StoredFrame(0, number, tsNanos, linkType, PcapngWriter.MICROSECONDS, data, originalLength,
                segment.rst(), segment.fin()).cost();
    }

    FrameStore.Key key(int source) {
        return FrameStore.Key.of(source, segment.src(), segment.dst());
    }

    /** A client's SYN: what opens a connection. */
    boolean openingSyn() {
        return segment.syn() && !segment.ackFlag();
    }

    static List<CapturedFrame> read(Path capture) throws IOException {
        List<CapturedFrame> out = new ArrayList<>();
        CapturedFrame[] current = new CapturedFrame[1];
        SegmentDecoder decoder = new SegmentDecoder(s -> {
            CapturedFrame f = current[0];
            out.add(new CapturedFrame(f.number, f.tsNanos, f.linkType, f.data, f.originalLength, s));
        });
        try (FrameSource src = CaptureFiles.open(existing(capture))) {
            while (src.next((number, ts, linkType, buf, off, len, orig) -> {
                current[0] = new CapturedFrame(number, ts, linkType, Arrays.copyOfRange(buf, off, off + len), orig, null);
                decoder.frame(number, ts, linkType, buf, off, len, orig);
            })) {
                // every frame goes through the decoder
            }
        }
        assertTrue(!out.isEmpty(), "no TCP frames in " + capture);
        return out;
    }

    /** The capture's frames by 4-tuple (both directions), tuples in the order of their first frame. */
    static List<List<CapturedFrame>> byTuple(List<CapturedFrame> frames) {
        Map<FrameStore.Key, List<CapturedFrame>> m = new LinkedHashMap<>();
        for (CapturedFrame f : frames) {
            m.computeIfAbsent(f.key(0), k -> new ArrayList<>()).add(f);
        }
        return new ArrayList<>(m.values());
    }

    /**
     * As {@link #byTuple}, checking that each tuple is one connection: its client SYNs, if any, all
     * carry one sequence number (so the tuple is not reused within the capture).
     */
    static List<List<CapturedFrame>> connections(List<CapturedFrame> frames) {
        List<List<CapturedFrame>> out = byTuple(frames);
        for (List<CapturedFrame> c : out) {
            long distinct = c.stream().filter(CapturedFrame::openingSyn).mapToLong(f -> f.segment.seq()).distinct().count();
            assertTrue(distinct <= 1, "tuple reused within the capture: " + c.get(0).segment);
        }
        return out;
    }

    static List<Long> numbers(List<CapturedFrame> frames) {
        return frames.stream().map(CapturedFrame::number).toList();
    }

    static List<Long> storedNumbers(ConnectionFrames c) {
        return c.frames().stream().map(StoredFrame::number).toList();
    }

    static long costs(List<CapturedFrame> frames) {
        return frames.stream().mapToLong(CapturedFrame::cost).sum();
    }

    static long first(List<CapturedFrame> c) {
        return c.get(0).tsNanos;
    }

    static long last(List<CapturedFrame> c) {
        return c.get(c.size() - 1).tsNanos;
    }

    /** Takes a connection the way the sink does for the session the dissector reports of it. */
    static ConnectionFrames take(FrameStore store, int source, List<CapturedFrame> c) {
        TcpSegment s = c.get(0).segment;
        return store.take(source, s.src(), s.dst(), first(c), last(c));
    }
}
