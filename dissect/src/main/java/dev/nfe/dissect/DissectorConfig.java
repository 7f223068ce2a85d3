package dev.nfe.dissect;

import dev.nfe.dissect.tls.TlsLimits;

import java.util.Set;

/**
 * The limits and timeouts of one dissector. All times are event time (segment timestamps);
 * the dissector never reads a clock.
 *
 * @param capture                the name sessions carry in {@code capture} (a path as given, or agent/interface)
 * @param tls                    caps of the TLS decoders
 * @param maxFlows               open connections kept; the least recently active one is finalised beyond it
 * @param maxPendingPerDirection out-of-order bytes held per direction before a hole is given up
 * @param maxPendingTotal        out-of-order bytes held by the whole dissector
 * @param maxEventsPerConnection turning points kept per connection (RST storms, endless alerts)
 * @param maxAlertsPerSession    alerts listed per session
 * @param maxRstFrames           RST frame numbers listed per session
 * @param idleTimeoutNanos       an open connection with no segment for this long is finalised
 * @param closedTimeoutNanos     a connection that saw FIN both ways is finalised after this much quiet
 * @param resetTimeoutNanos      a connection that saw a RST is finalised after this much quiet: as long as
 *                               {@code closedTimeoutNanos} for files (late retransmissions stay in their
 *                               session); a live agent uses less, so its finding comes within a second
 * @param noResponseNanos        a ClientHello unanswered for this long (at flow end) is NO_SERVER_RESPONSE,
 *                               shorter is INDETERMINATE
 * @param tlsPorts               server ports on which a connection that never spoke TLS is still reported
 *                               (as NOT_TLS); detection itself never depends on ports
 */
public record DissectorConfig(
        String capture,
        TlsLimits tls,
        int maxFlows,
        int maxPendingPerDirection,
        long maxPendingTotal,
        int maxEventsPerConnection,
        int maxAlertsPerSession,
        int maxRstFrames,
        long idleTimeoutNanos,
        long closedTimeoutNanos,
        long resetTimeoutNanos,
        long noResponseNanos,
        Set<Integer> tlsPorts) {

    private static final long SECOND = 1_000_000_000L;
    /** Open connections kept per dissector by default. */
    public static final int DEFAULT_MAX_FLOWS = 262_144;

    public DissectorConfig {
        if (maxFlows < 1 || maxPendingPerDirection < 0 || maxPendingTotal < 0 || maxEventsPerConnection < 16
                || maxAlertsPerSession < 1 || maxRstFrames < 1 || idleTimeoutNanos <= 0 || closedTimeoutNanos <= 0 || resetTimeoutNanos <= 0
                || noResponseNanos <= 0) {
            throw new IllegalArgumentException("invalid dissector limits");
        }
        tlsPorts = Set.copyOf(tlsPorts);
    }

    public static DissectorConfig defaults(String capture) {
        return new DissectorConfig(capture, TlsLimits.DEFAULT, DEFAULT_MAX_FLOWS, 256 * 1024, 256L * 1024 * 1024, 256, 32, 20,
                300 * SECOND, 5 * SECOND, 5 * SECOND, 5 * SECOND,
                Set.of(443, 465, 563, 636, 853, 989, 990, 992, 993, 994, 995, 5061, 8443));
    }

    public DissectorConfig withCapture(String name) {
        return new DissectorConfig(name, tls, maxFlows, maxPendingPerDirection, maxPendingTotal, maxEventsPerConnection,
                maxAlertsPerSession, maxRstFrames, idleTimeoutNanos, closedTimeoutNanos, resetTimeoutNanos, noResponseNanos, tlsPorts);
    }

    public DissectorConfig withMaxFlows(int flows) {
        return new DissectorConfig(capture, tls, flows, maxPendingPerDirection, maxPendingTotal, maxEventsPerConnection,
                maxAlertsPerSession, maxRstFrames, idleTimeoutNanos, closedTimeoutNanos, resetTimeoutNanos, noResponseNanos, tlsPorts);
    }

    /** The same with connections closed by a RST finalised after {@code nanos} of quiet. */
    public DissectorConfig withResetTimeout(long nanos) {
        return new DissectorConfig(capture, tls, maxFlows, maxPendingPerDirection, maxPendingTotal, maxEventsPerConnection,
                maxAlertsPerSession, maxRstFrames, idleTimeoutNanos, closedTimeoutNanos, nanos, noResponseNanos, tlsPorts);
    }
}
