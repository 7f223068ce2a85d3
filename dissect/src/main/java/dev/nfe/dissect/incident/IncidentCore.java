package dev.nfe.dissect.incident;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Incidents from observations in event-time order (a pure fold: the same observations in the
 * same order give the same incidents, on every path). Per server host, one open incident per
 * fault; a failure more than {@code gapNanos} after the last one of its fault starts a new
 * incident. Completed handshakes count for every incident open at their host. Bounded: at most
 * {@code maxHosts} hosts have open incidents; beyond that the least recently active host's
 * incidents are closed early (counted).
 */
final class IncidentCore {
    private final long gapNanos;
    private final int minCount;
    private final int maxHosts;
    private final IncidentEngine.Membership membership;
    /** Access order: the least recently active host first. */
    private final LinkedHashMap<String, EnumMap<Fault, OpenIncident>> hosts = new LinkedHashMap<>(64, 0.75f, true);
    private long closedEarly;

    IncidentCore(long gapNanos, int minCount, int maxHosts, IncidentEngine.Membership membership) {
        this.gapNanos = gapNanos;
        this.minCount = minCount;
        this.maxHosts = maxHosts;
        this.membership = membership;
    }

    /** Takes the next observation; returns the incidents this closed (possibly none). */
    List<Incident> accept(Observation o, List<Incident> closed) {
        EnumMap<Fault, OpenIncident> open = hosts.get(o.host());
        if (!o.failure()) {
            if (open != null) {
                for (OpenIncident i : open.values()) {
                    i.completed(o);
                }
            }
            return closed;
        }
        if (open == null) {
            if (hosts.size() >= maxHosts) {
                Iterator<Map.Entry<String, EnumMap<Fault, OpenIncident>>> it = hosts.entrySet().iterator();
                EnumMap<Fault, OpenIncident> victim = it.next().getValue();
                it.remove();
                for (OpenIncident i : victim.values()) {
                    closedEarly++;
                    close(i, o.tsNanos(), closed);
                }
            }
            open = new EnumMap<>(Fault.class);
            hosts.put(o.host(), open);
        }
        OpenIncident i = open.get(o.fault());
        if (i != null && o.tsNanos() - i.lastTs > gapNanos) {
            open.remove(o.fault());
            close(i, o.tsNanos(), closed);
            i = null;
        }
        if (i == null) {
            i = new OpenIncident(o);
            open.put(o.fault(), i);
        }
        i.failure(o);
        membership.joined(o, i.incidentId);
        return closed;
    }

    /** Event time reached {@code now}: incidents quiet for longer than the gap are over. */
    List<Incident> closeIdle(long now, List<Incident> closed) {
        Iterator<Map.Entry<String, EnumMap<Fault, OpenIncident>>> it = hosts.entrySet().iterator();
        while (it.hasNext()) {
            EnumMap<Fault, OpenIncident> open = it.next().getValue();
            open.values().removeIf(i -> {
                if (now - i.lastTs > gapNanos) {
                    close(i, now, closed);
                    return true;
                }
                return false;
            });
            if (open.isEmpty()) {
                it.remove();
            }
        }
        return closed;
    }

    /** The incidents still open, as they stand at {@code end} (for a live view); none is closed. */
    List<Incident> snapshots(long end) {
        List<OpenIncident> all = new ArrayList<>();
        hosts.values().forEach(m -> all.addAll(m.values()));
        all.sort(ORDER);
        List<Incident> out = new ArrayList<>();
        for (OpenIncident i : all) {
            if (i.count() >= minCount) {
                out.add(i.snapshot(end, gapNanos));
            }
        }
        return out;
    }

    /** End of input at {@code end}: every incident, in order of its first failure, made by {@code snapshots}. */
    List<Incident> finish(long end, List<Incident> closed, Snapshots snapshots) {
        List<OpenIncident> all = new ArrayList<>();
        hosts.values().forEach(m -> all.addAll(m.values()));
        hosts.clear();
        all.sort(ORDER);
        List<Supplier<Incident>> tasks = new ArrayList<>(all.size());
        for (OpenIncident i : all) {
            if (i.count() >= minCount) {
                tasks.add(() -> i.snapshot(end, gapNanos));
            }
        }
        closed.addAll(snapshots.make(tasks));
        return closed;
    }

    long closedEarly() {
        return closedEarly;
    }

    private static final Comparator<OpenIncident> ORDER = Comparator.comparingLong((OpenIncident i) -> i.firstTs)
            .thenComparing(i -> i.host).thenComparing(i -> i.fault);

    private void close(OpenIncident i, long end, List<Incident> out) {
        if (i.count() >= minCount) {
            out.add(i.snapshot(end, gapNanos));
        }
    }
}
