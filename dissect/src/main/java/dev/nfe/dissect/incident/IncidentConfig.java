package dev.nfe.dissect.incident;

/**
 * How incidents are formed. Times are event time (nanoseconds).
 *
 * @param gapNanos      quiet time after which a server's failures of one fault form a new incident
 * @param minCount      smaller groups are findings, not incidents
 * @param maxHosts      server hosts with open incidents at once
 * @param latenessNanos how late (behind the latest session end seen) a session may arrive and still
 *                      be put in its event-time place: an unanswered hello is finalised after the
 *                      idle timeout, so this must be longer than that
 * @param maxBuffered   sessions held for reordering at once; beyond it the oldest goes on early
 */
public record IncidentConfig(long gapNanos, int minCount, int maxHosts, long latenessNanos, int maxBuffered) {
    private static final long SECOND = 1_000_000_000L;

    public IncidentConfig {
        if (gapNanos <= 0 || minCount < 1 || maxHosts < 1 || latenessNanos < 0 || maxBuffered < 1) {
            throw new IllegalArgumentException("invalid incident settings");
        }
    }

    /** 300 s gap, groups of 2 or more, 10,000 hosts, 610 s lateness (twice the idle timeout and then some), 1 M sessions. */
    public static IncidentConfig defaults() {
        return new IncidentConfig(300 * SECOND, 2, 10_000, 610 * SECOND, 1_000_000);
    }

    /**
     * The same with another lateness. A live agent trades exactness for time: its incidents are
     * updated {@code nanos} after their failures; a session that ends later than that after its
     * event time (an unanswered hello given up after the idle timeout, a handshake of a connection
     * that then lasted long) counts in arrival order instead (counted as late).
     */
    public IncidentConfig withLateness(long nanos) {
        return new IncidentConfig(gapNanos, minCount, maxHosts, nanos, maxBuffered);
    }

    public IncidentConfig withGap(long nanos, int min) {
        return new IncidentConfig(nanos, min, maxHosts, latenessNanos, maxBuffered);
    }
}
