package dev.nfe.pipeline.evidence;

import dev.nfe.dissect.incident.Fault;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code --evidence DIR}: one pcapng file per incident with the frames of its failing connections
 * and of one completed connection at the same server, commented.
 *
 * <p>How, and why this way. The frames are not kept during the run: a capture of hours holds
 * gigabytes of them and an incident is known only when it closes. Instead the run keeps, per
 * failing connection, where its frames are (capture, endpoints, first and last frame) and which
 * incident it joined (the incident engine says so, {@link #joined}), both spilled to disk
 * ({@link EvidenceSpill}), and a small spread sample of completed connections per server
 * ({@link CompletedSamples}); the incidents come as they close. At the summary, when every
 * incident is known, the chosen incidents' failures are picked from the spill ({@link Selection})
 * and the captures are read a second time, copying those connections' frames as captured into
 * the files ({@link FramePass}). Memory stays bounded whatever the capture's size; the cost is a second read
 * of the files (measured in the README). What went wrong goes to the {@link EvidenceLedger},
 * never out as an exception: the results of the run stand either way.
 *
 * <p>Sits before the report in a sink set, so that the report can name the files written.
 */
public final class EvidenceSink implements ResultSink {
    private final EvidenceSpec spec;
    private final EvidenceLedger ledger = new EvidenceLedger();
    private final Map<String, Integer> captureIndex = new HashMap<>();
    private final CompletedSamples completed = new CompletedSamples();
    /** Incidents to write: every one asked for by id, or the worst {@code maxIncidents} (the least bad on top). */
    private final PriorityQueue<Incident> chosen = new PriorityQueue<>(WORST_FIRST.reversed());
    private final Set<String> seenIds = new TreeSet<>();
    private long incidentsLeft;
    private EvidenceSpill spill;
    private boolean spillFailed;
    private SessionRecord pending;

    /** Severity, then size, then the earlier first. */
    static final Comparator<Incident> WORST_FIRST = Comparator.comparing(Incident::severity).reversed()
            .thenComparing(Comparator.comparingLong(Incident::count).reversed())
            .thenComparingLong(Incident::firstTsNanos).thenComparing(Incident::incidentId);

    public EvidenceSink(EvidenceSpec spec) {
        this.spec = spec;
        for (int i = 0; i < spec.stamps().size(); i++) {
            captureIndex.putIfAbsent(spec.stamps().get(i).capture(), i);
        }
    }

    public EvidenceLedger ledger() {
        return ledger;
    }

    @Override
    public void session(SessionRecord s) {
        completedIfNoFinding();
        pending = s;
    }

    @Override
    public void finding(Finding f) {
        SessionRecord s = pending;
        pending = null;
        if (s == null || spillFailed) {
            return;
        }
        Integer capture = captureIndex.get(s.capture());
        if (Fault.of(f, s) == null || capture == null) {
            return; // no fault, no incident
        }
        try {
            spill().connection(Connection.failed(capture, s, f));
        } catch (IOException e) {
            spillFailed(e);
        }
    }

    @Override
    public void joined(Observation failure, String incidentId) {
        if (spillFailed) {
            return;
        }
        try {
            spill().member(new EvidenceSpill.Member(incidentId, failure.findingId(), failure.tsNanos(), failure.kind(),
                    failure.client().toString(), failure.server().toString(), failure.capture()));
        } catch (IOException e) {
            spillFailed(e);
        }
    }

    private EvidenceSpill spill() throws IOException {
        if (spill == null) {
            spill = new EvidenceSpill(spec.dir());
        }
        return spill;
    }

    private void spillFailed(IOException e) {
        spillFailed = true;
        ledger.problem("cannot write to " + spec.dir() + ": " + e.getMessage() + " (no evidence written)");
    }

    @Override
    public void incident(Incident i) {
        completedIfNoFinding();
        seenIds.add(i.incidentId());
        if (!spec.incidentIds().isEmpty()) {
            if (spec.incidentIds().contains(i.incidentId())) {
                chosen.add(i);
            }
            return;
        }
        chosen.add(i);
        if (chosen.size() > spec.maxIncidents()) {
            chosen.poll();
            incidentsLeft++;
        }
    }

    @Override
    public void summary(RunSummary summary) {
        completedIfNoFinding();
        try {
            write();
        } finally {
            try {
                if (spill != null) {
                    spill.close();
                }
            } catch (IOException e) {
                ledger.problem("cannot remove the evidence spill file in " + spec.dir() + ": " + e.getMessage());
            }
            ledger.finish();
        }
    }

    private void write() {
        for (String id : spec.incidentIds()) {
            if (!seenIds.contains(id)) {
                ledger.problem("no incident " + id + " in these captures (" + seenIds.size() + (seenIds.size() == 1 ? " incident: " : " incidents: ")
                        + (seenIds.isEmpty() ? "none" : String.join(", ", seenIds.stream().limit(10).toList())
                        + (seenIds.size() > 10 ? ", ..." : "")) + ")");
            }
        }
        ledger.notWritten(incidentsLeft);
        if (completed.hostsNotSampled() > 0) {
            ledger.note(completed.hostsNotSampled() + " completed handshakes at servers beyond the first "
                    + CompletedSamples.MAX_HOSTS + " were not sampled: incidents there have no connection to compare with");
        }
        if (chosen.isEmpty() || spillFailed || spill == null) {
            return;
        }
        List<Incident> incidents = new ArrayList<>(chosen);
        incidents.sort(WORST_FIRST);
        List<IncidentEvidence> files = new ArrayList<>(incidents.size());
        for (Incident i : incidents) {
            files.add(new IncidentEvidence(i, spec.maxConnections()));
        }
        try {
            Selection.assign(spill, files, completed, spec);
            new FramePass(spec, files, ledger).run();
        } catch (IOException e) {
            ledger.problem("cannot write the evidence to " + spec.dir() + ": " + e.getMessage());
        }
    }

    /** The session before this call had no finding: a completed handshake is a candidate for comparison. */
    private void completedIfNoFinding() {
        SessionRecord s = pending;
        pending = null;
        if (s == null || s.outcome() != Outcome.COMPLETED) {
            return;
        }
        Integer capture = captureIndex.get(s.capture());
        if (capture != null) {
            completed.add(Observation.hostKey(s.server()), Connection.completed(capture, s));
        }
    }
}
