package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.Observation;

import java.util.List;

/**
 * Where a host's old observations can be folded into final incidents and dropped without changing
 * any incident: at a time T with no failure in {@code [T - gap, T)}. Every incident before T has
 * then been quiet for more than the gap, so it is over (the engine starts a new incident for a
 * failure that far after the last one of its fault), and an incident after T begins with a failure
 * at or after T and counts nothing from before its first failure. So the incidents of the
 * observations before T, then those of the ones from T on, are exactly the incidents of all of them.
 *
 * <p>If no such T exists before the horizon (a fault that never paused for a gap), nothing is
 * dropped until the oldest observation is a whole retention older than the horizon; then the cut
 * is forced at the horizon: that incident is split in two (the first part keeps the state it had
 * there), which is counted. So an incident longer than twice the retention comes in pieces.
 *
 * @param index  observations {@code [0, index)} are before T
 * @param tsNanos T
 * @param forced no quiet point existed: the cut splits an incident
 */
record SealPoint(int index, long tsNanos, boolean forced) {

    /**
     * The latest seal point at or before {@code horizon}, or null when there is none yet.
     *
     * @param sorted      observations in event-time order
     * @param forceBefore a cut is forced when the oldest observation is older than this
     */
    static SealPoint find(List<Observation> sorted, long horizon, long forceBefore, long gapNanos) {
        if (sorted.isEmpty() || sorted.get(0).tsNanos() >= horizon) {
            return null;
        }
        int before = indexOf(sorted, horizon);
        // the latest failure before the horizon decides whether the horizon itself is quiet
        int lastFailure = -1;
        for (int i = before - 1; i >= 0; i--) {
            if (sorted.get(i).failure()) {
                lastFailure = i;
                break;
            }
        }
        if (lastFailure < 0 || horizon - sorted.get(lastFailure).tsNanos() > gapNanos) {
            return new SealPoint(before, horizon, false);
        }
        // else the latest failure at or before the horizon that follows a quiet gap: T is its time
        long next = sorted.get(lastFailure).tsNanos();
        int nextIndex = lastFailure;
        for (int i = lastFailure - 1; i >= 0; i--) {
            Observation o = sorted.get(i);
            if (!o.failure()) {
                continue;
            }
            if (next - o.tsNanos() > gapNanos) {
                return at(sorted, next, nextIndex);
            }
            next = o.tsNanos();
            nextIndex = i;
        }
        // the first failure: everything before it (completed handshakes only) is sealed
        SealPoint first = at(sorted, next, nextIndex);
        if (first.index() > 0) {
            return first;
        }
        return sorted.get(0).tsNanos() < forceBefore ? new SealPoint(before, horizon, true) : null;
    }

    /** T = {@code ts}; the split is before the first observation at that time. */
    private static SealPoint at(List<Observation> sorted, long ts, int someIndexAtTs) {
        int i = someIndexAtTs;
        while (i > 0 && sorted.get(i - 1).tsNanos() >= ts) {
            i--;
        }
        return new SealPoint(i, ts, false);
    }

    /** How many observations are before {@code ts}. */
    private static int indexOf(List<Observation> sorted, long ts) {
        int lo = 0;
        int hi = sorted.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (sorted.get(mid).tsNanos() < ts) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }
}
