package dev.nfe.pipeline.kafka.incidents;

import java.util.concurrent.atomic.AtomicLong;

/**
 * What the incidents app did, over all its tasks, for logs and metrics (read from any thread).
 * Counted as processed: after a crash, what is processed again counts again.
 */
public final class IncidentCounters {
    final AtomicLong observations = new AtomicLong();
    final AtomicLong sourceEnds = new AtomicLong();
    final AtomicLong sourcesCompleted = new AtomicLong();
    final AtomicLong undecodable = new AtomicLong();
    final AtomicLong recomputed = new AtomicLong();
    final AtomicLong published = new AtomicLong();
    /** Observations folded into final incidents and dropped (retention). */
    final AtomicLong sealed = new AtomicLong();
    /** Seals that split an incident that never paused for a gap. */
    final AtomicLong forcedCuts = new AtomicLong();
    /** Observations that came after their host's retention had passed them. */
    final AtomicLong tooLate = new AtomicLong();
    /** Oldest observations dropped because their host had its cap. */
    final AtomicLong hostCapEvicted = new AtomicLong();
    /** New observations refused because the partition had its cap. */
    final AtomicLong partitionFull = new AtomicLong();
    /** Incidents left out of host records (cap per host). */
    final AtomicLong incidentsDropped = new AtomicLong();
    /** Inputs whose end could not be awaited (cap on inputs). */
    final AtomicLong sourcesDropped = new AtomicLong();

    public long observations() {
        return observations.get();
    }

    public long published() {
        return published.get();
    }

    public long sealed() {
        return sealed.get();
    }

    public long tooLate() {
        return tooLate.get();
    }

    public long capped() {
        return hostCapEvicted.get() + partitionFull.get();
    }

    public long sourcesCompleted() {
        return sourcesCompleted.get();
    }

    @Override
    public String toString() {
        return "observations " + observations + ", input ends " + sourceEnds + " (inputs complete " + sourcesCompleted
                + ", not awaited " + sourcesDropped + "), undecodable " + undecodable + ", hosts recomputed "
                + recomputed + ", host records published " + published + ", observations sealed " + sealed
                + " (forced cuts " + forcedCuts + "), too late " + tooLate + ", evicted at the host cap "
                + hostCapEvicted + ", refused at the partition cap " + partitionFull + ", incidents left out "
                + incidentsDropped;
    }
}
