package dev.nfe.pipeline.kafka.findings;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;

import java.util.Set;

/**
 * Which findings a reader wants: at or after {@code sinceNanos} (event time: when the failure
 * happened, not when it was written), of these outcomes (empty: all), at this server (null: all).
 */
public record FindingFilter(long sinceNanos, Set<Outcome> outcomes, Endpoint server) {
    public static final FindingFilter ALL = new FindingFilter(Long.MIN_VALUE, Set.of(), null);

    public boolean accepts(Finding f) {
        return f.tsNanos() >= sinceNanos
                && (outcomes.isEmpty() || outcomes.contains(f.kind()))
                && (server == null || server.equals(f.server()));
    }
}
