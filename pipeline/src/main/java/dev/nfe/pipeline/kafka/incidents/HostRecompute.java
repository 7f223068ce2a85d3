package dev.nfe.pipeline.kafka.incidents;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.IncidentConfig;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.incident.Observation;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * One host's incidents from its stored observations, the way replay forms them: a fresh
 * {@link IncidentEngine} fed the observations in event-time order, then finished at the end of
 * what was seen. For a finished input the engine's incidents are a function of the set of
 * observations, so the order Kafka delivered them in does not matter. Observations older than the
 * horizon are first folded into final incidents ({@link SealPoint}) so that they can be dropped.
 * Pure: no Kafka, no store.
 */
final class HostRecompute {
    /** The engine's order (IncidentEngine sorts the same way; its comparator is package-private). */
    static final Comparator<Observation> EVENT_TIME = Comparator.comparingLong(Observation::tsNanos)
            .thenComparing(Observation::order);
    /** How a host record lists its incidents: by first failure, then id. */
    static final Comparator<Incident> FIRST_FIRST = Comparator.comparingLong(Incident::firstTsNanos)
            .thenComparing(Incident::incidentId);

    /**
     * @param sealIndex observations {@code [0, sealIndex)} are folded into {@code sealed} and can go
     * @param sealed    the final incidents of those (none when nothing was sealed)
     * @param forced    the seal split an incident that never paused (SealPoint)
     * @param live      the incidents of the observations that stay, at the end given
     */
    record Result(int sealIndex, List<Incident> sealed, boolean forced, List<Incident> live) {
    }

    private HostRecompute() {
    }

    /**
     * @param sorted  the host's observations in {@link #EVENT_TIME} order
     * @param endNanos the end of what was seen (incident states are measured there)
     * @param horizon observations before it may be sealed
     * @param forceBefore a seal is forced when the oldest observation is older than this
     */
    static Result run(List<Observation> sorted, long endNanos, long horizon, long forceBefore, IncidentConfig config) {
        SealPoint seal = SealPoint.find(sorted, horizon, forceBefore, config.gapNanos());
        int from = 0;
        List<Incident> sealed = List.of();
        boolean forced = false;
        if (seal != null && seal.index() > 0) {
            from = seal.index();
            sealed = incidents(sorted.subList(0, from), seal.tsNanos(), config);
            forced = seal.forced();
        }
        return new Result(from, sealed, forced, incidents(sorted.subList(from, sorted.size()), endNanos, config));
    }

    /** The incidents of observations in event-time order, finished at {@code endNanos}, by first failure. */
    static List<Incident> incidents(List<Observation> sorted, long endNanos, IncidentConfig config) {
        IncidentEngine engine = new IncidentEngine(config);
        List<Incident> out = new ArrayList<>();
        for (Observation o : sorted) {
            out.addAll(engine.observation(o));
        }
        out.addAll(engine.finish(endNanos));
        out.sort(FIRST_FIRST);
        return out;
    }
}
