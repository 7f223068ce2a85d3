package dev.nfe.pipeline.evidence;

import dev.nfe.dissect.incident.Fault;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.Timestamps;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashMap;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code nfe agent --evidence DIR}: the live form of the incident evidence files. When the
 * dissector finalises a session, its frames leave the {@link FrameStore}: a failure's wait for the
 * incident engine to say which incident it joined ({@link #joined}), then stay with that incident
 * (the first {@code maxConnections}; the rest are listed in {@code <id>.left-out.txt} and their
 * frames dropped); a completed handshake becomes its server host's comparison sample (the latest
 * one, for at most {@link #MAX_COMPARISON_HOSTS} hosts); anything else is dropped.
 *
 * <p>Files are rewritten whole, not appended: {@code <id>.pcapng} is written each time the agent
 * writes the incident (when it changed, at most once per stats interval, and once more when it
 * closes), to {@code .part} and renamed, so a file is always complete, in capture order across its
 * connections, and its section header's counts are those of that moment. The frames stay in memory
 * until the incident closes, within the store's byte cap. Incidents below the engine's minimum count
 * are never written; their frames go once they are quiet for {@code forgetNanos}.
 *
 * <p>A write that fails is counted and named once; results are not affected.
 */
public final class LiveEvidenceSink implements ResultSink {
    static final int MAX_COMPARISON_HOSTS = 1024;
    private static final int MAX_CAPPED_IDS = 10_000;

    /** What the run did, for the agent's last words. */
    public record Totals(long files, long rewrites, long incidentsOverCap, long sessionsWithoutFrames,
                         long failuresNeverInAFile, long writeFailures, String firstProblem) {
    }

    private final FrameStore store;
    private final Path dir;
    private final List<String> sources;
    private final Map<String, Integer> sourceIndex = new HashMap<>();
    private final int maxConnections;
    private final int maxIncidents;
    private final long forgetNanos;
    private final String capRule;
    private SessionRecord pending;
    private ConnectionFrames pendingFrames;
    /** Failures whose incident is not known yet, by finding id, in the order they ended. */
    private final LinkedHashMap<String, LiveIncident.Kept> awaiting = new LinkedHashMap<>();
    private final Map<String, LiveIncident> incidents = new HashMap<>();
    /** The latest completed handshake per server host; access order, the least recently used host first. */
    private final LinkedHashMap<String, LiveIncident.Kept> completed = new LinkedHashMap<>(64, 0.75f, true);
    /** Incidents that get no file (over the cap on files), so their later failures are not kept either. */
    private final Set<String> overCap = new LinkedHashSet<>();
    private final Set<String> filed = new LinkedHashSet<>();
    private long rewrites;
    private long incidentsOverCap;
    private long sessionsWithoutFrames;
    private long failuresNeverInAFile;
    private long writeFailures;
    private String firstProblem;

    /**
     * @param sources        the agent's source names, by interface index (as sessions name their capture)
     * @param maxConnections failing connections per file
     * @param maxIncidents   files at most (the first incidents to be written get them)
     * @param forgetNanos    how long a failure may wait for an incident that is never written (below
     *                       the engine's minimum count): the engine's gap and lateness
     */
    public LiveEvidenceSink(FrameStore store, Path dir, List<String> sources, int maxConnections, int maxIncidents,
                            long forgetNanos) {
        this.store = store;
        this.dir = dir;
        this.sources = List.copyOf(sources);
        for (int i = 0; i < sources.size(); i++) {
            sourceIndex.putIfAbsent(sources.get(i), i);
        }
        this.maxConnections = maxConnections;
        this.maxIncidents = maxIncidents;
        this.forgetNanos = forgetNanos;
        this.capRule = "the live agent keeps the first " + store.head() + " and the last " + store.tail()
                + " frames of a connection";
    }

    @Override
    public void session(SessionRecord s) {
        settlePending();
        Integer source = sourceIndex.get(s.capture());
        if (source == null) {
            return;
        }
        pending = s;
        pendingFrames = store.take(source, s.client(), s.server(), s.firstTsNanos(), s.lastTsNanos());
        if (pendingFrames == null) {
            sessionsWithoutFrames++;
        }
    }

    @Override
    public void finding(Finding f) {
        SessionRecord s = pending;
        ConnectionFrames frames = pendingFrames;
        pending = null;
        pendingFrames = null;
        if (s == null) {
            return;
        }
        if (frames == null || Fault.of(f, s) == null) {
            release(frames);
            return;
        }
        awaiting.put(f.findingId(), new LiveIncident.Kept(Connection.failed(sourceIndex.get(s.capture()), s, f), frames));
    }

    @Override
    public void joined(Observation failure, String incidentId) {
        LiveIncident.Kept k = awaiting.remove(failure.findingId());
        if (overCap.contains(incidentId)) {
            release(k);
            return;
        }
        LiveIncident i = incidents.computeIfAbsent(incidentId, LiveIncident::new);
        i.failing++;
        i.lastJoinNanos = Math.max(i.lastJoinNanos, failure.tsNanos());
        if (k == null) {
            i.withoutFrames++;
        } else if (i.kept.size() < maxConnections) {
            i.kept.add(k);
        } else {
            i.leftOut++;
            release(k);
            listLeftOut(incidentId, failure);
        }
    }

    @Override
    public void incident(Incident incident) {
        settlePending();
        String id = incident.incidentId();
        if (overCap.contains(id)) {
            return;
        }
        LiveIncident i = incidents.computeIfAbsent(id, LiveIncident::new);
        if (!filed.contains(id) && filed.size() >= maxIncidents) {
            incidentsOverCap++;
            incidents.remove(id);
            free(i);
            if (overCap.size() >= MAX_CAPPED_IDS) {
                overCap.remove(overCap.iterator().next());
            }
            overCap.add(id);
            return;
        }
        if (i.comparison == null) {
            LiveIncident.Kept c = completed.get(Observation.hostKey(incident.server()));
            if (c != null && store.charge(c.frames().bytes())) {
                i.comparison = c;
            }
        }
        Path file = dir.resolve(id + ".pcapng");
        try {
            i.write(incident, file, i.header(incident, sources, store, leftOutFile(id)), capRule);
            filed.add(id);
            rewrites++;
        } catch (IOException e) {
            problem("cannot write " + file + ": " + e.getMessage());
        }
        if (incident.state() == Incident.State.CLOSED) {
            incidents.remove(id);
            free(i);
        }
    }

    /** Every tick: forgets failures and incidents that waited too long for an incident file. */
    @Override
    public void flush() {
        settlePending();
        long horizon = store.clock() - forgetNanos;
        Iterator<LiveIncident.Kept> it = awaiting.values().iterator();
        while (it.hasNext()) {
            LiveIncident.Kept k = it.next();
            if (k.frames().lastTsNanos >= horizon) {
                break;
            }
            it.remove();
            failuresNeverInAFile++;
            release(k);
        }
        Iterator<LiveIncident> inc = incidents.values().iterator();
        while (inc.hasNext()) {
            LiveIncident i = inc.next();
            if (!i.written && i.lastJoinNanos < horizon) {
                inc.remove();
                failuresNeverInAFile += i.failing;
                free(i);
            }
        }
    }

    @Override
    public void summary(RunSummary summary) {
        settlePending();
        for (LiveIncident.Kept k : awaiting.values()) {
            failuresNeverInAFile++;
            release(k);
        }
        awaiting.clear();
        for (LiveIncident i : incidents.values()) {
            if (!i.written) {
                failuresNeverInAFile += i.failing;
            }
            free(i);
        }
        incidents.clear();
        completed.values().forEach(this::release);
        completed.clear();
    }

    /** What the run did (read after the summary, or any time on the processing thread). */
    public Totals totals() {
        return new Totals(filed.size(), rewrites, incidentsOverCap, sessionsWithoutFrames, failuresNeverInAFile,
                writeFailures, firstProblem);
    }

    public FrameStore store() {
        return store;
    }

    /** The session before this call had no finding: a completed handshake becomes its host's sample. */
    private void settlePending() {
        SessionRecord s = pending;
        ConnectionFrames frames = pendingFrames;
        pending = null;
        pendingFrames = null;
        if (s == null || frames == null) {
            return;
        }
        if (s.outcome() != Outcome.COMPLETED) {
            store.release(frames.bytes());
            return;
        }
        String host = Observation.hostKey(s.server());
        LiveIncident.Kept old = completed.remove(host);
        release(old);
        if (completed.size() >= MAX_COMPARISON_HOSTS) {
            Iterator<LiveIncident.Kept> it = completed.values().iterator();
            release(it.next());
            it.remove();
        }
        completed.put(host, new LiveIncident.Kept(Connection.completed(sourceIndex.get(s.capture()), s), frames));
    }

    private void listLeftOut(String incidentId, Observation o) {
        Path file = leftOutFile(incidentId);
        try {
            String head = Files.exists(file) ? "" : "# failing connections of incident " + incidentId + " that are not in "
                    + incidentId + ".pcapng (it holds the first " + maxConnections + " to end)\n"
                    + "# time (UTC)\tfinding_id\tkind\tclient\tserver\tcapture\n";
            Files.writeString(file, head + Timestamps.iso(o.tsNanos()) + "\t" + o.findingId() + "\t" + o.kind().name()
                            + "\t" + o.client() + "\t" + o.server() + "\t" + o.capture() + "\n", StandardCharsets.UTF_8,
                    StandardOpenOption.CREATE, StandardOpenOption.APPEND);
        } catch (IOException e) {
            problem("cannot write " + file + ": " + e.getMessage());
        }
    }

    private Path leftOutFile(String incidentId) {
        return dir.resolve(incidentId + ".left-out.txt");
    }

    private void problem(String p) {
        writeFailures++;
        if (firstProblem == null) {
            firstProblem = p;
        }
    }

    private void free(LiveIncident i) {
        store.release(i.bytes());
        i.kept.clear();
        i.comparison = null;
    }

    private void release(LiveIncident.Kept k) {
        if (k != null) {
            store.release(k.frames().bytes());
        }
    }

    private void release(ConnectionFrames f) {
        if (f != null) {
            store.release(f.bytes());
        }
    }
}
