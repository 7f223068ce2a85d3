package dev.nfe.dissect.conn;

import dev.nfe.dissect.tcp.ByteBudget;
import dev.nfe.dissect.tls.TlsContext;

/**
 * What all connections of one dissector share: caps, the TLS context (certificate cache) and the
 * out-of-order byte budget. One per dissector thread.
 */
public record ConnectionContext(
        TlsContext tls,
        ByteBudget pendingBudget,
        int maxPendingPerDirection,
        int maxEvents,
        int maxAlerts,
        int maxRstFrames) {
}
