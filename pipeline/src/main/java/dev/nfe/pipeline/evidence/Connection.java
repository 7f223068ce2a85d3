package dev.nfe.pipeline.evidence;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;
import dev.nfe.dissect.report.SessionRecord;

import java.util.List;

/**
 * What the evidence needs of one connection: where its frames are (capture, endpoints, first and
 * last frame), which of them deserve a comment (besides every RST), and the finding they are evidence of (null for the
 * completed connection shown for comparison).
 *
 * @param capture        index of the capture in the command line's list
 * @param packets        the session's packet count: where the last frames begin when a cap leaves the middle out
 * @param tsNanos        the finding's time, or the ClientHello's for a completed handshake
 * @param helloFrame     the frame that completed the first ClientHello, 0 when none
 * @param reactionFrames the finding's evidence frames other than the hello (the FIN, alert, RST that decided it)
 */
record Connection(int capture, Endpoint client, Endpoint server, long firstFrame, long lastFrame, long packets,
                  long tsNanos, long helloFrame, List<Long> reactionFrames, String findingId,
                  FindingKind kind, String summary) {

    Connection {
        reactionFrames = List.copyOf(reactionFrames);
    }

    static Connection failed(int capture, SessionRecord s, Finding f) {
        long hello = s.clientHello() == null ? 0 : s.clientHello().frame();
        List<Long> reaction = f.evidenceFrames().stream().filter(n -> n != hello).toList();
        return new Connection(capture, s.client(), s.server(), s.firstFrame(), s.lastFrame(), s.packets(), f.tsNanos(),
                hello, reaction, f.findingId(), f.kind(), f.summary());
    }

    static Connection completed(int capture, SessionRecord s) {
        long hello = s.clientHello() == null ? 0 : s.clientHello().frame();
        long ts = s.clientHello() != null ? s.clientHello().tsNanos() : s.firstTsNanos();
        return new Connection(capture, s.client(), s.server(), s.firstFrame(), s.lastFrame(), s.packets(), ts, hello,
                List.of(), null, null, null);
    }

    boolean failure() {
        return findingId != null;
    }

    /** Time order, then the finding id: the order connections are kept and listed in. */
    static int compare(Connection a, Connection b) {
        int c = Long.compare(a.tsNanos, b.tsNanos);
        if (c != 0) {
            return c;
        }
        return a.findingId == null || b.findingId == null ? Long.compare(a.firstFrame, b.firstFrame)
                : a.findingId.compareTo(b.findingId);
    }
}
