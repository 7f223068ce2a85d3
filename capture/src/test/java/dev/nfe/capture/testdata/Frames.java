package dev.nfe.capture.testdata;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads a whole source into memory. */
public final class Frames {
    private Frames() {
    }

    /** The frames of {@code source} and, if it stopped on damage, the exception. */
    public record Result(List<RecordedFrame> frames, CaptureDamagedException damage) {
    }

    public static Result readAll(FrameSource source) throws IOException {
        List<RecordedFrame> out = new ArrayList<>();
        FrameSink sink = (number, ts, linkType, buf, off, cap, orig) ->
                out.add(new RecordedFrame(number, ts, linkType, Arrays.copyOfRange(buf, off, off + cap), orig));
        try {
            while (source.next(sink)) {
                // collect
            }
            return new Result(out, null);
        } catch (CaptureDamagedException e) {
            return new Result(out, e);
        }
    }

    /** Replays recorded frames into a sink. */
    public static void replay(List<RecordedFrame> frames, FrameSink sink) {
        for (RecordedFrame f : frames) {
            sink.frame(f.number(), f.timestampNanos(), f.linkType(), f.data(), 0, f.data().length, f.originalLength());
        }
    }
}
