package dev.nfe.pipeline.report;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.Confidence;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.Outcome;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.evidence.EvidenceLedger;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * {@code nfe report}: one self-contained HTML file a person can hand on. Inline CSS, a few lines of
 * inline script (highlighting only: the page is complete without it), SVG drawn here from the
 * data, and a Content-Security-Policy that forbids every request, so it opens the same from a file
 * on a machine with no network. What it shows, in order: the incident stories (each in an element
 * with {@code data-incident-id}), a timeline per server, and the facts: what was read and the
 * outcomes per server.
 *
 * <p>Bounded memory whatever the input: timelines are bucketed ({@link Timelines}), incidents
 * capped at {@link #MAX_INCIDENTS} (the worst kept), the server table at its top rows; the page is
 * written at the summary, once everything is known (and after the evidence files, which it names).
 */
public final class HtmlReportSink implements ResultSink {
    static final int MAX_INCIDENTS = 200;
    static final int MAX_TIMELINES = 12;
    private static final int MAX_LIVE_SOURCES = 64;

    private final OutputStream out;
    private final ReportSpec spec;
    private final EvidenceLedger evidence;
    private final Timelines timelines = new Timelines();
    private final List<Incident> incidents = new ArrayList<>();
    private long incidentsLeftOut;
    private final Set<String> seenIds = new TreeSet<>();
    private final Map<String, long[]> spans = new LinkedHashMap<>();
    private final Map<String, CaptureStats> live = new LinkedHashMap<>();
    private long lowConfidence;
    private SessionRecord pending;
    private final List<String> problems = new ArrayList<>();

    /** @param evidence what --evidence wrote (its summary comes first), or null without it */
    public HtmlReportSink(OutputStream out, ReportSpec spec, EvidenceLedger evidence) {
        this.out = out;
        this.spec = spec;
        this.evidence = evidence;
    }

    @Override
    public void session(SessionRecord s) {
        completedIfNoFinding();
        pending = s;
        if (s.capture() != null && (spans.containsKey(s.capture()) || spans.size() < 1024)) {
            long[] span = spans.computeIfAbsent(s.capture(), k -> new long[] {Long.MAX_VALUE, Long.MIN_VALUE});
            span[0] = Math.min(span[0], s.firstTsNanos());
            span[1] = Math.max(span[1], s.lastTsNanos());
        }
    }

    @Override
    public void finding(Finding f) {
        pending = null;
        timelines.failure(Observation.hostKey(f.server()), f.server().toString(), f.tsNanos(), f.kind());
        if (f.confidence() != Confidence.HIGH) {
            lowConfidence++;
        }
    }

    @Override
    public void incident(Incident i) {
        completedIfNoFinding();
        seenIds.add(i.incidentId());
        if (!spec.incidentIds().isEmpty() && !spec.incidentIds().contains(i.incidentId())) {
            return;
        }
        incidents.add(i);
        if (incidents.size() > MAX_INCIDENTS) {
            incidents.sort(Pages.WORST_FIRST);
            incidents.remove(incidents.size() - 1);
            incidentsLeftOut++;
        }
    }

    @Override
    public void captureStats(CaptureStats stats) {
        if (live.containsKey(stats.source()) || live.size() < MAX_LIVE_SOURCES) {
            live.put(stats.source(), stats);
        }
    }

    @Override
    public void summary(RunSummary summary) throws IOException {
        completedIfNoFinding();
        for (String id : spec.incidentIds()) {
            if (!seenIds.contains(id)) {
                problems.add("no incident " + id + " in these results");
            }
        }
        incidents.sort(Pages.WORST_FIRST);
        String page = new Pages(spec, evidence, timelines).page(summary, incidents, incidentsLeftOut, spans,
                live.values(), lowConfidence, problems);
        out.write(page.getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** Incident ids asked for that were not there; empty when all were. */
    public List<String> problems() {
        return List.copyOf(problems);
    }

    private void completedIfNoFinding() {
        SessionRecord s = pending;
        pending = null;
        if (s != null && s.outcome() == Outcome.COMPLETED) {
            long ts = s.clientHello() != null ? s.clientHello().tsNanos() : s.firstTsNanos();
            timelines.completed(Observation.hostKey(s.server()), s.server().toString(), ts);
        }
    }

    /** How many incidents each server host has among those shown (for choosing timelines). */
    static Map<String, Integer> incidentsPerHost(List<Incident> incidents) {
        Map<String, Integer> m = new HashMap<>();
        incidents.forEach(i -> m.merge(Observation.hostKey(i.server()), 1, Integer::sum));
        return m;
    }
}
