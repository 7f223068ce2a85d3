package dev.nfe.dissect;

/**
 * Counters of one dissector, for reports and metrics. Every cap that was hit shows up here.
 */
public record DissectorStats(
        long segments,
        long connections,
        long sessions,
        long findings,
        long openFlows,
        long expiredIdle,
        long evictedFlowTableFull,
        long portReuse,
        long pendingBudgetRefusals,
        long eventLogCapped) {

    public DissectorStats plus(DissectorStats o) {
        return new DissectorStats(segments + o.segments, connections + o.connections, sessions + o.sessions,
                findings + o.findings, openFlows + o.openFlows, expiredIdle + o.expiredIdle,
                evictedFlowTableFull + o.evictedFlowTableFull, portReuse + o.portReuse,
                pendingBudgetRefusals + o.pendingBudgetRefusals, eventLogCapped + o.eventLogCapped);
    }

    public static DissectorStats zero() {
        return new DissectorStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    }
}
