package dev.nfe.dissect.incident;

/**
 * What the incident engine had to bend, for the run's summary.
 *
 * @param waiting     sessions waiting for their event-time place now
 * @param late        sessions that came after their place had passed (counted in arrival order)
 * @param forced      sessions let go early because the reorder buffer was full
 * @param closedEarly incidents closed early because too many hosts had open ones
 */
public record IncidentStats(long waiting, long late, long forced, long closedEarly) {
}
