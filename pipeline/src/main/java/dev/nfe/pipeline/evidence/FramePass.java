package dev.nfe.pipeline.evidence;

import dev.nfe.capture.CaptureDamagedException;
import dev.nfe.capture.Endpoint;
import dev.nfe.capture.FrameSink;
import dev.nfe.capture.FrameSource;
import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.capture.decode.SegmentDecoder;
import dev.nfe.capture.file.CaptureFiles;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The second pass: reads the captures again, decodes each frame exactly as the run did (so frame
 * numbers and segments are the same), and copies the frames of the chosen connections, as
 * captured, into their incidents' files. Frames of a connection are those of its endpoints from
 * its first to its last frame; beyond the per-connection cap only the first and the last half are
 * copied, plus every ClientHello and RST, and a comment says how many were left out where. A
 * capture is read only as far as the last frame wanted from it, and not at all when none is.
 *
 * <p>Refuses (writes nothing) when a capture changed since the first pass began: its frame
 * numbers might no longer be the frames the results name.
 */
final class FramePass {
    private record FlowKey(int capture, Endpoint a, Endpoint b) {
        static FlowKey of(int capture, Endpoint x, Endpoint y) {
            return x.compareTo(y) <= 0 ? new FlowKey(capture, x, y) : new FlowKey(capture, y, x);
        }
    }

    /** One connection in one file, while its frames go by. */
    private static final class Track {
        final Connection c;
        final EvidenceFile file;
        long seen;
        long skipped;
        long lastWritten = -1;

        Track(Connection c, EvidenceFile file) {
            this.c = c;
            this.file = file;
        }
    }

    private final EvidenceSpec spec;
    private final List<IncidentEvidence> incidents;
    private final EvidenceLedger ledger;
    private final List<String> captures = new ArrayList<>();

    FramePass(EvidenceSpec spec, List<IncidentEvidence> incidents, EvidenceLedger ledger) {
        this.spec = spec;
        this.incidents = incidents;
        this.ledger = ledger;
        spec.stamps().forEach(s -> captures.add(s.capture()));
    }

    void run() throws IOException {
        if (changed()) {
            return;
        }
        List<EvidenceFile> files = new ArrayList<>(incidents.size());
        boolean done = false;
        try {
            for (IncidentEvidence i : incidents) {
                files.add(new EvidenceFile(i, spec, captures));
            }
            Map<FlowKey, List<Track>> tracks = new HashMap<>();
            long[] lastWanted = new long[captures.size()];
            for (EvidenceFile f : files) {
                for (Connection c : f.evidence.kept()) {
                    add(tracks, lastWanted, c, f);
                }
                if (f.evidence.comparison != null) {
                    add(tracks, lastWanted, f.evidence.comparison, f);
                }
            }
            long start = System.nanoTime();
            long frames = 0;
            for (int i = 0; i < captures.size(); i++) {
                if (lastWanted[i] > 0) {
                    frames += copy(i, lastWanted[i], tracks);
                }
            }
            ledger.secondPass(System.nanoTime() - start, frames);
            if (changed()) {
                return;
            }
            for (EvidenceFile f : files) {
                f.commit();
                if (f.evidence.leftOut() == 0) {
                    Files.deleteIfExists(spec.leftOutOf(f.evidence.incident.incidentId())); // of an earlier run
                }
                IncidentEvidence e = f.evidence;
                List<EvidenceLedger.Listed> first = e.kept().stream().limit(5).map(c -> new EvidenceLedger.Listed(
                        c.tsNanos(), c.findingId(), c.kind().name(), c.client().toString(), c.summary())).toList();
                Connection cmp = e.comparison;
                ledger.written(new EvidenceLedger.Written(e.incident.incidentId(), f.file, f.frames(), e.kept().size(),
                        e.failing(), e.leftOut() > 0 ? spec.leftOutOf(e.incident.incidentId()) : null,
                        cmp == null ? null : cmp.client() + " -> " + cmp.server(), first));
            }
            done = true;
        } finally {
            if (!done) {
                files.forEach(EvidenceFile::discard);
                for (IncidentEvidence i : incidents) {
                    Files.deleteIfExists(spec.leftOutOf(i.incident.incidentId()));
                }
            }
        }
    }

    /** Whether a capture changed since the first pass (and if so, says which, once). */
    private boolean changed() {
        for (CaptureStamp s : spec.stamps()) {
            String what = s.changed();
            if (what != null) {
                ledger.problem(what + ": no evidence written (its frame numbers may no longer be the frames the "
                        + "results name; run again on a capture that is not being written)");
                return true;
            }
        }
        return false;
    }

    private static void add(Map<FlowKey, List<Track>> tracks, long[] lastWanted, Connection c, EvidenceFile f) {
        tracks.computeIfAbsent(FlowKey.of(c.capture(), c.client(), c.server()), k -> new ArrayList<>(1))
                .add(new Track(c, f));
        lastWanted[c.capture()] = Math.max(lastWanted[c.capture()], c.lastFrame());
    }

    /** Copies the wanted frames of one capture; returns the frames read. */
    private long copy(int capture, long lastWanted, Map<FlowKey, List<Track>> tracks) throws IOException {
        List<TcpSegment> segments = new ArrayList<>(2);
        try (FrameSource src = CaptureFiles.open(Path.of(captures.get(capture)))) {
            SegmentDecoder decoder = new SegmentDecoder(segments::add, SegmentDecoder.DEFAULT_MAX_TUNNEL_DEPTH,
                    new DecodeStats(), src.stableBuffers());
            long[] last = {0};
            FrameSink sink = (number, ts, linkType, buf, off, cap, orig) -> {
                last[0] = number;
                segments.clear();
                decoder.frame(number, ts, linkType, buf, off, cap, orig);
                for (TcpSegment s : segments) {
                    List<Track> wanted = tracks.get(FlowKey.of(capture, s.src(), s.dst()));
                    if (wanted == null) {
                        continue;
                    }
                    for (Track t : wanted) {
                        if (number >= t.c.firstFrame() && number <= t.c.lastFrame() && t.lastWritten != number) {
                            frame(t, s, linkType, src.timestampResolution(), ts, buf, off, cap, orig);
                        }
                    }
                }
            };
            try {
                while (last[0] < lastWanted && src.next(sink)) {
                    // up to the last frame wanted
                }
            } catch (CaptureDamagedException e) {
                // the run stopped at the same place: every frame it named has been copied
            }
            return last[0];
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private void frame(Track t, TcpSegment s, int linkType, int tsresol, long ts, byte[] buf, int off, int cap,
                       int orig) {
        Connection c = t.c;
        long number = s.frame();
        long i = ++t.seen;
        int half = spec.maxFrames() / 2;
        if (i > half && i <= c.packets() - half && !FrameComments.essential(c, number, s.rst())) {
            t.skipped++;
            return;
        }
        List<String> comments = FrameComments.of(c, number, s.rst(), s.fin(), t.skipped, "at most "
                + spec.maxFrames() + " per connection: the first and the last " + half + ", and every ClientHello and RST");
        t.skipped = 0;
        try {
            t.file.frame(linkType, tsresol, ts, buf, off, cap, orig, comments);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        t.lastWritten = number;
    }
}
