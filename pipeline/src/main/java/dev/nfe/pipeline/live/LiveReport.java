package dev.nfe.pipeline.live;

import dev.nfe.pipeline.output.CaptureStats;

import java.util.List;

/**
 * How a live run ended: the last counters of every interface and what went wrong.
 *
 * @param exitCode 0, or 3 when an interface failed while capturing
 */
public record LiveReport(int exitCode, List<CaptureStats> stats, List<String> errors) {
    public LiveReport {
        stats = List.copyOf(stats);
        errors = List.copyOf(errors);
    }
}
