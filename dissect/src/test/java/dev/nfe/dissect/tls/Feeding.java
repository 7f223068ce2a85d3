package dev.nfe.dissect.tls;

import java.util.List;

/** Ways to feed bytes into a fresh decoder. */
final class Feeding {
    private Feeding() {
    }

    /** The real segmentation of one direction, each segment with its capture frame and time. */
    static RecordingEvents segments(List<Fixture.Segment> segments, TlsContext context) {
        RecordingEvents events = new RecordingEvents();
        TlsStreamDecoder decoder = new TlsStreamDecoder(context, events);
        for (Fixture.Segment s : segments) {
            if (s.bytes() == null) {
                decoder.gap(s.gapBytes(), s.frame(), s.tsNanos());
            } else {
                decoder.feed(s.bytes(), 0, s.bytes().length, s.frame(), s.tsNanos());
            }
        }
        return finish(events, decoder);
    }

    /**
     * {@code stream} cut at the given (increasing) positions; each chunk is labelled with the
     * stream offset of its last byte as frame, and that offset * 1000 + 7 as timestamp.
     */
    static RecordingEvents cuts(byte[] stream, int[] cuts, TlsContext context) {
        RecordingEvents events = new RecordingEvents();
        TlsStreamDecoder decoder = new TlsStreamDecoder(context, events);
        int from = 0;
        for (int i = 0; i <= cuts.length; i++) {
            int to = i < cuts.length ? cuts[i] : stream.length;
            if (to > from) {
                // a copy, so the decoder cannot read past its chunk
                byte[] chunk = java.util.Arrays.copyOfRange(stream, from, to);
                decoder.feed(chunk, 0, chunk.length, to - 1, (to - 1) * 1000L + 7);
            }
            from = to;
        }
        return finish(events, decoder);
    }

    static RecordingEvents finish(RecordingEvents events, TlsStreamDecoder decoder) {
        events.finalMode = decoder.mode();
        events.finalWantsBytes = decoder.wantsBytes();
        return events;
    }

    /** {@code stream} in fragments of {@code size} bytes, labelled as in {@link #cuts}. */
    static RecordingEvents fragments(byte[] stream, int size, TlsContext context) {
        int n = Math.max(0, (stream.length - 1) / size);
        int[] cuts = new int[n];
        for (int i = 0; i < n; i++) {
            cuts[i] = (i + 1) * size;
        }
        return cuts(stream, cuts, context);
    }
}
