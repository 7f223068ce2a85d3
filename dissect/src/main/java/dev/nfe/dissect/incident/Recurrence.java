package dev.nfe.dissect.incident;

/**
 * Failures that fall on one period (DESIGN.md, "recurrence"): a crash loop seen through the
 * connections that happened to be open at each crash.
 *
 * @param periodS       the period, seconds
 * @param jitterS       median absolute deviation of the intervals between on-period events from
 *                      whole multiples of the period, seconds
 * @param events        crash events on the period (failures within a quarter second are one event)
 * @param cycles        periods spanned from the first to the last of them
 * @param missedCycles  periods in that span with no event (a crash shows only when a connection is open)
 */
public record Recurrence(double periodS, double jitterS, int events, int cycles, int missedCycles) {
}
