package dev.nfe.dissect;

import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test fixture: a capture's segments, and segments through one fresh {@link Dissector}, as replay runs them. */
public final class Dissected {

    /** One session and its finding (null: none), in the order the dissector emitted them. */
    public record Emitted(SessionRecord session, Finding finding) {
    }

    private Dissected() {
    }

    /** Every TCP segment of a capture file, in file order. */
    public static List<TcpSegment> segments(Path capture) throws IOException {
        List<TcpSegment> out = new ArrayList<>();
        SegmentDecoder decoder = new SegmentDecoder(out::add);
        try (FrameSource src = CaptureFiles.open(capture)) {
            while (src.next(decoder)) {
                // every frame
            }
        }
        return out;
    }

    /** The segments through a dissector for {@code capture}, finished at the latest segment time. */
    public static List<Emitted> run(String capture, List<TcpSegment> segments) {
        List<Emitted> out = new ArrayList<>();
        Dissector d = new Dissector(DissectorConfig.defaults(capture), new DissectorOutput() {
            @Override
            public void session(SessionRecord s) {
                out.add(new Emitted(s, null));
            }

            @Override
            public void finding(Finding f) {
                // a finding follows its session at once (DissectorOutput contract)
                out.set(out.size() - 1, new Emitted(out.get(out.size() - 1).session(), f));
            }
        });
        segments.forEach(d::segment);
        d.finish(latest(segments));
        return out;
    }

    /** The latest timestamp among the segments (they need not be in time order); 0 for none. */
    public static long latest(List<TcpSegment> segments) {
        long last = 0;
        for (TcpSegment s : segments) {
            last = Math.max(last, s.timestampNanos());
        }
        return last;
    }
}
