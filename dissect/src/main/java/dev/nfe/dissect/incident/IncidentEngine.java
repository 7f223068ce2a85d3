package dev.nfe.dissect.incident;

import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;

/**
 * Incidents from sessions, the same on every path (replay, live agent, Kafka): sessions come in
 * the order connections are finalised, which is not the order their failures happened, so they
 * wait in a bounded buffer until the latest session end seen is {@code lateness} past their event
 * time, and then go to {@link IncidentCore} in event-time order (ties by finding or flow id). For
 * a finished input, {@link #finish} releases everything in that order: the incidents are a
 * function of the set of sessions, whatever order they came in.
 *
 * <p>One per driver thread; not thread-safe. Event time only, never the wall clock.
 */
public final class IncidentEngine {
    private final IncidentConfig config;
    private final Observer observer = new Observer();
    private final IncidentCore core;
    private final PriorityQueue<Observation> waiting = new PriorityQueue<>(1024, Observation::compare);
    private long latestEnd = Long.MIN_VALUE;
    /** Event time up to which observations have gone to the core. */
    private long released = Long.MIN_VALUE;
    private long late;
    private long forced;

    /**
     * Hears which incident each failure joins, as it joins it: the exact membership an incident's
     * time window alone cannot give when inputs are not in time order (a second capture of earlier
     * times joins an incident opened by the first). The id is the one the incident will carry; a
     * group that stays below the minimum count is never reported as an incident.
     */
    @FunctionalInterface
    public interface Membership {
        Membership NONE = (o, incidentId) -> { };

        void joined(Observation failure, String incidentId);
    }

    public IncidentEngine(IncidentConfig config) {
        this(config, Membership.NONE);
    }

    public IncidentEngine(IncidentConfig config, Membership membership) {
        this.config = config;
        this.core = new IncidentCore(config.gapNanos(), config.minCount(), config.maxHosts(), membership);
    }

    /**
     * One finalised session and its finding (null: none). Returns the incidents that closed
     * meanwhile (final; possibly none).
     */
    public List<Incident> session(SessionRecord s, Finding f) {
        latestEnd = Math.max(latestEnd, s.lastTsNanos());
        return observe(observer.of(s, f));
    }

    /**
     * An observation made elsewhere ({@link Observer}, e.g. by a dissector that published it to
     * Kafka): the same as the {@link #session} it was made from, with the observation's own time
     * standing in for the session's end.
     */
    public List<Incident> observation(Observation o) {
        latestEnd = Math.max(latestEnd, o.tsNanos());
        return observe(o);
    }

    private List<Incident> observe(Observation o) {
        List<Incident> closed = new ArrayList<>(0);
        if (o != null) {
            if (o.tsNanos() <= released) {
                late++; // its place has passed: it counts now, in arrival order
                core.accept(o, closed);
            } else {
                waiting.add(o);
            }
        }
        while (waiting.size() > config.maxBuffered()) {
            forced++;
            release(waiting.poll(), closed);
        }
        return advance(latestEnd - config.latenessNanos(), closed);
    }

    /** Event time reached {@code nowNanos} with nothing in flight older than {@code nowNanos - lateness}. */
    public List<Incident> advanceTo(long nowNanos) {
        latestEnd = Math.max(latestEnd, nowNanos);
        return advance(latestEnd - config.latenessNanos(), new ArrayList<>(0));
    }

    /** The open incidents as they stand now (a live view; state relative to the latest time seen). */
    public List<Incident> openIncidents() {
        return core.snapshots(latestEnd);
    }

    /**
     * One input has ended (a capture file; every session of it has come): its waiting sessions go
     * on in order, and the clock starts over for the next input, whose times need not continue
     * these (files of other days). Incidents stay open: the next input may continue them.
     */
    public List<Incident> endOfInput() {
        List<Incident> closed = new ArrayList<>();
        releaseAll(closed);
        latestEnd = Long.MIN_VALUE;
        released = Long.MIN_VALUE;
        return closed;
    }

    /** End of input at {@code endNanos}: every waiting session in order, then every incident. */
    public List<Incident> finish(long endNanos) {
        return finish(endNanos, Snapshots.IN_ORDER);
    }

    /** As {@link #finish(long)}, the closing incidents made by {@code snapshots} (e.g. on every core). */
    public List<Incident> finish(long endNanos, Snapshots snapshots) {
        List<Incident> closed = new ArrayList<>();
        releaseAll(closed);
        return core.finish(endNanos, closed, snapshots);
    }

    public IncidentStats stats() {
        return new IncidentStats(waiting.size(), late, forced, core.closedEarly());
    }

    private List<Incident> advance(long frontier, List<Incident> closed) {
        while (!waiting.isEmpty() && waiting.peek().tsNanos() < frontier) {
            release(waiting.poll(), closed);
        }
        if (frontier > released) {
            released = frontier;
        }
        return core.closeIdle(released, closed);
    }

    /**
     * Every waiting observation, in order. A capture shorter than the lateness has all its sessions
     * waiting at its end: one sort costs half the comparisons of taking them off the heap one by one.
     * The order is the heap's as long as no two compare equal; if two do, the heap gives it.
     */
    private void releaseAll(List<Incident> closed) {
        Observation[] all = waiting.toArray(new Observation[0]);
        Arrays.sort(all, Observation::compare);
        for (int i = 1; i < all.length; i++) {
            if (Observation.compare(all[i - 1], all[i]) == 0) {
                while (!waiting.isEmpty()) {
                    release(waiting.poll(), closed);
                }
                return;
            }
        }
        waiting.clear();
        for (Observation o : all) {
            release(o, closed);
        }
    }

    private void release(Observation o, List<Incident> closed) {
        released = Math.max(released, o.tsNanos());
        core.accept(o, closed);
    }
}
