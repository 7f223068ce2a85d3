package dev.nfe.pipeline.replay;

import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

/**
 * A session (and its finding, if any) as a shard emitted it, with the position that orders the
 * merged output: the frame being processed when the connection was finalised (Long.MAX_VALUE at
 * the end of input), then the connection's first frame. Rendered JSON travels along when the
 * shard pre-rendered it (JSON-lines output), so formatting runs in parallel: {@code json} is the
 * shard's run of lines for the whole interval, shared by its records, with each record's range.
 */
record Emitted(long emitFrame, long firstFrame, SessionRecord session, Finding finding,
               byte[] json, int sessionOff, int sessionLen, int findingOff, int findingLen) {

    static int compare(Emitted a, Emitted b) {
        int c = Long.compare(a.emitFrame, b.emitFrame);
        return c != 0 ? c : Long.compare(a.firstFrame, b.firstFrame);
    }
}
