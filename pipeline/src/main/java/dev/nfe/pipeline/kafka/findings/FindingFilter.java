package dev.nfe.pipeline.kafka.findings;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;

import java.util.Set;

/**
 * Which findings a reader wants: at or after {@code sinceNanos} (event time: when the failure
 * happened, not when it was written), of these kinds (empty: all), at this server (null: all).
 */
public record FindingFilter(long sinceNanos, Set<FindingKind> kinds, Endpoint server) {
    public static final FindingFilter ALL = new FindingFilter(Long.MIN_VALUE, Set.of(), null);

    public boolean accepts(Finding f) {
        return f.tsNanos() >= sinceNanos
                && (kinds.isEmpty() || kinds.contains(f.kind()))
                && (server == null || server.equals(f.server()));
    }
}
