package dev.nfe.dissect.classify;

import java.util.List;

/**
 * A connection's turning points in arrival order, roles resolved, and how its observation ended.
 *
 * @param steps        the turning points
 * @param endTsNanos   event time at which the connection was finalised (capture end, expiry, reuse)
 * @param capped       the connection had more turning points than were kept
 */
public record Timeline(List<Step> steps, long endTsNanos, boolean capped) {

    public Timeline {
        steps = List.copyOf(steps);
    }
}
