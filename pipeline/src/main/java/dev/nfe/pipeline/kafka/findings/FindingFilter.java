package dev.nfe.pipeline.kafka.findings;

import dev.nfe.capture.Endpoint;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.FindingKind;

import java.util.Set;

/**
 * Which findings a reader wants: at or after {@code sinceNanos} (event time: when the failure
 * happened, not when it was written), of these kinds (empty: all), at this server (null: all).
 * An incident is wanted when it lasted until {@code sinceNanos} or later, holds findings of one of
 * the kinds, and has the server among its endpoints.
 */
public record FindingFilter(long sinceNanos, Set<FindingKind> kinds, Endpoint server) {
    public static final FindingFilter ALL = new FindingFilter(Long.MIN_VALUE, Set.of(), null);

    public boolean accepts(Finding f) {
        return f.tsNanos() >= sinceNanos
                && (kinds.isEmpty() || kinds.contains(f.kind()))
                && (server == null || server.equals(f.server()));
    }

    public boolean accepts(Incident i) {
        if (i.lastTsNanos() < sinceNanos) {
            return false;
        }
        if (!kinds.isEmpty() && i.kinds().keySet().stream().noneMatch(kinds::contains)) {
            return false;
        }
        return server == null || server.equals(i.server()) || i.servers().contains(server.toString());
    }
}
