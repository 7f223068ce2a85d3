package dev.nfe.pipeline.output;

import java.util.List;
import java.util.Map;

/**
 * The totals that end a run: counts per outcome and per server, what each capture gave, and
 * every cap that was hit.
 *
 * @param outcomes   outcome name → sessions
 * @param servers    server endpoint → (outcome name → sessions), busiest first; capped, see {@code serversCapped}
 * @param captures   one entry per input file, in order
 * @param counters   named totals: sessions, findings, incidents, frames, segments, decode skips, caps hit
 */
public record RunSummary(
        Map<String, Long> outcomes,
        Map<String, Map<String, Long>> servers,
        boolean serversCapped,
        List<CaptureReport> captures,
        Map<String, Long> counters) {

    /**
     * What one capture file gave.
     *
     * @param error   null, or the one-line error (damage with its byte offset)
     * @param skipped decode skip reasons → frames
     */
    public record CaptureReport(String capture, long frames, long segments, long sessions, long findings,
                                Map<String, Long> skipped, String error) {
    }
}
