package dev.nfe.dissect.incident;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * How the incidents that close at the end of input are made: each snapshot reads only its own
 * incident, and the period search makes them the costly part of a replay's serial end. The
 * engine never starts a thread (a dissector is driven); a driver with spare cores at that point
 * may make them side by side. The result holds them in the order of the tasks.
 */
@FunctionalInterface
public interface Snapshots {

    /** One after the other, on the calling thread. */
    Snapshots IN_ORDER = tasks -> {
        List<Incident> out = new ArrayList<>(tasks.size());
        for (Supplier<Incident> t : tasks) {
            out.add(t.get());
        }
        return out;
    };

    List<Incident> make(List<Supplier<Incident>> tasks);
}
