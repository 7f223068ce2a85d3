package dev.nfe.pipeline.evidence;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * One incident's evidence while it is chosen: which of its failures go in the file (the first
 * {@code cap} to join it: time order within a capture, captures in the order given), their
 * connections once read back, how many it had in all, and the completed connection shown beside.
 */
final class IncidentEvidence {
    final Incident incident;
    final String host;
    private final int cap;
    private final Set<String> keptIds = new LinkedHashSet<>();
    private final List<Connection> kept = new ArrayList<>();
    private long failing;
    Connection comparison;

    IncidentEvidence(Incident incident, int cap) {
        this.incident = incident;
        this.host = Observation.hostKey(incident.server());
        this.cap = cap;
    }

    /** A failure joined this incident; returns whether it goes in the file. */
    boolean member(String findingId) {
        failing++;
        if (keptIds.size() < cap) {
            keptIds.add(findingId);
            return true;
        }
        return false;
    }

    boolean keeps(String findingId) {
        return keptIds.contains(findingId);
    }

    void connection(Connection c) {
        kept.add(c);
    }

    /** The connections in the file, in time order. */
    List<Connection> kept() {
        List<Connection> out = new ArrayList<>(kept);
        out.sort(Connection::compare);
        return out;
    }

    long failing() {
        return failing;
    }

    long leftOut() {
        return failing - kept.size();
    }
}
