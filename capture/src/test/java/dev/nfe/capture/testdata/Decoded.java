package dev.nfe.capture.testdata;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.decode.SkipReason;
import dev.nfe.capture.file.CaptureFiles;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/** Everything a {@link SegmentDecoder} made of a source: segments, the reason for every skipped frame, stats. */
public record Decoded(List<TcpSegment> segments, Map<Long, SkipReason> skips, DecodeStats stats,
                      CaptureDamagedException damage) {

    public static Decoded of(Path capture) throws IOException {
        try (FrameSource source = CaptureFiles.open(capture)) {
            return of(source);
        }
    }

    public static Decoded of(FrameSource source) throws IOException {
        List<TcpSegment> segments = new ArrayList<>();
        Map<Long, SkipReason> skips = new TreeMap<>();
        SegmentDecoder decoder = new SegmentDecoder(segments::add);
        FrameSink sink = skipRecorder(decoder, skips);
        CaptureDamagedException damage = null;
        try {
            while (source.next(sink)) {
                // decode
            }
        } catch (CaptureDamagedException e) {
            damage = e;
        }
        return new Decoded(segments, skips, decoder.stats(), damage);
    }

    public static Decoded of(List<RecordedFrame> frames) {
        List<TcpSegment> segments = new ArrayList<>();
        Map<Long, SkipReason> skips = new TreeMap<>();
        SegmentDecoder decoder = new SegmentDecoder(segments::add);
        Frames.replay(frames, skipRecorder(decoder, skips));
        return new Decoded(segments, skips, decoder.stats(), null);
    }

    /** Wraps the decoder so that the reason of each skipped frame is noted by frame number. */
    public static FrameSink skipRecorder(SegmentDecoder decoder, Map<Long, SkipReason> skips) {
        return (number, ts, linkType, buf, off, cap, orig) -> {
            long before = decoder.stats().skipped();
            long[] counts = new long[SkipReason.values().length];
            for (SkipReason r : SkipReason.values()) {
                counts[r.ordinal()] = decoder.stats().skipped(r);
            }
            decoder.frame(number, ts, linkType, buf, off, cap, orig);
            if (decoder.stats().skipped() != before) {
                for (SkipReason r : SkipReason.values()) {
                    if (decoder.stats().skipped(r) != counts[r.ordinal()]) {
                        skips.put(number, r);
                    }
                }
            }
        };
    }
}
