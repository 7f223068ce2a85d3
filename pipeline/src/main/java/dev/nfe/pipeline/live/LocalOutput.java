package dev.nfe.pipeline.live;

import dev.nfe.pipeline.Defaults;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.dissect.Dissector;
import dev.nfe.dissect.DissectorConfig;
import dev.nfe.dissect.DissectorOutput;
import dev.nfe.dissect.DissectorStats;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;
import dev.nfe.pipeline.output.CaptureStats;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.SummaryCollector;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.Map;
import java.util.List;

/**
 * No Kafka: one dissector per interface in the processing thread, results straight to a
 * {@link ResultSink} (text or JSON lines, as {@code nfe replay} writes them), flushed every tick so
 * a file can be followed while the agent runs. Incidents are written as they change (at most once
 * per stats interval each, with {@code state} open) and once more when they close; the summary
 * comes at the end.
 */
public final class LocalOutput implements LiveOutput {
    private final DissectorConfig config;
    private final ResultSink sink;
    private final IncidentEngine incidents;
    /** The last version written of each open incident, so that only changes are written again. */
    private final Map<String, Incident> written = new HashMap<>();
    private final SummaryCollector summary = new SummaryCollector(Defaults.SUMMARY_SERVERS);
    private final Listener listener;
    private final List<Dissector> dissectors = new ArrayList<>();
    private final List<long[]> perSource = new ArrayList<>(); // sessions, findings
    private final List<CaptureStats> lastStats = new ArrayList<>();
    private final List<String> names = new ArrayList<>();
    private int current;
    private volatile int openFlows;
    /** The latest session and its finding (if any), not yet given to the incident engine. */
    private SessionRecord lastSession;
    private Finding lastFinding;
    private long lastClock;

    /** Told about every session and finding (metrics); called on the processing thread. */
    public interface Listener {
        void session(SessionRecord s);

        void finding(Finding f);
    }

    public LocalOutput(DissectorConfig config, ResultSink sink, IncidentEngine incidents, Listener listener) {
        this.config = config;
        this.sink = sink;
        this.incidents = incidents;
        this.listener = listener;
    }

    @Override
    public void open(List<String> sources) {
        for (String name : sources) {
            names.add(name);
            dissectors.add(new Dissector(config.withCapture(name), new Results()));
            perSource.add(new long[2]);
            lastStats.add(null);
        }
    }

    @Override
    public void segment(int source, TcpSegment s, long captureLoss) throws IOException {
        Dissector d = dissectors.get(source);
        current = source;
        d.captureLoss(captureLoss);
        try {
            d.segment(s);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    @Override
    public void tick(int source, long clockNanos, DecodeStats decoded) throws IOException {
        current = source;
        try {
            dissectors.get(source).advanceTo(clockNanos);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        lastClock = Math.max(lastClock, clockNanos);
        feedIncidents();
        closed(incidents.advanceTo(clockNanos));
        int open = 0;
        for (Dissector d : dissectors) {
            open += d.openFlows();
        }
        openFlows = open;
        sink.flush();
    }

    /** Connections open in the dissectors at the last tick (any thread). */
    public int openFlows() {
        return openFlows;
    }

    @Override
    public void stats(int source, CaptureStats stats) throws IOException {
        lastStats.set(source, stats);
        sink.captureStats(stats);
        // every stats interval: the incidents that changed since they were last written
        for (Incident i : incidents.openIncidents()) {
            if (!i.equals(written.get(i.incidentId()))) {
                written.put(i.incidentId(), i);
                sink.incident(i);
            }
        }
    }

    @Override
    public long dropped(int source) {
        return 0;
    }

    @Override
    public void settle() throws IOException {
        sink.flush();
    }

    @Override
    public void finish(int source, long clockNanos, DecodeStats decoded) throws IOException {
        current = source;
        Dissector d = dissectors.get(source);
        try {
            d.finish(clockNanos);
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        lastClock = Math.max(lastClock, clockNanos);
        feedIncidents();
        long[] n = perSource.get(source);
        summary.capture(new RunSummary.CaptureReport(names.get(source), decoded.frames(), decoded.tcpSegments(), n[0],
                n[1], decoded.asMap(), null));
        summary.count("sessions", n[0]);
        summary.count("frames", decoded.frames());
        summary.count("segments", decoded.tcpSegments());
        DissectorStats st = d.stats();
        summary.count("connections", st.connections());
        summary.count("flows_expired_idle", st.expiredIdle());
        summary.count("flows_evicted_table_full", st.evictedFlowTableFull());
        summary.count("port_reuse", st.portReuse());
        summary.count("reassembly_budget_refusals", st.pendingBudgetRefusals());
        summary.count("timelines_capped", st.eventLogCapped());
        CaptureStats last = lastStats.get(source);
        if (last != null) {
            summary.count("pcap_received", last.pcapReceived());
            summary.count("pcap_dropped", last.pcapDropped());
            summary.count("pcap_if_dropped", last.pcapIfDropped());
            summary.count("queue_dropped", last.queueDropped());
        }
    }

    @Override
    public void abort() {
        // nothing waits on anything outside this process
    }

    @Override
    public void close() throws IOException {
        feedIncidents();
        closed(incidents.finish(lastClock));
        sink.summary(summary.build());
    }

    /** Gives the latest session (with its finding, which always follows it) to the incident engine. */
    private void feedIncidents() throws IOException {
        if (lastSession != null) {
            SessionRecord s = lastSession;
            Finding f = lastFinding;
            lastSession = null;
            lastFinding = null;
            closed(incidents.session(s, f));
        }
    }

    /** Incidents that are over: written once more, final, and counted. */
    private void closed(List<Incident> over) throws IOException {
        for (Incident i : over) {
            written.remove(i.incidentId());
            sink.incident(i);
            summary.count("incidents", 1);
        }
    }

    /** The dissectors' results, in the order they finalise connections. */
    private final class Results implements DissectorOutput {
        @Override
        public void session(SessionRecord s) {
            try {
                feedIncidents();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            lastSession = s;
            perSource.get(current)[0]++;
            summary.session(s);
            listener.session(s);
            try {
                sink.session(s);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        @Override
        public void finding(Finding f) {
            perSource.get(current)[1]++;
            summary.count("findings", 1);
            listener.finding(f);
            lastFinding = f;
            try {
                sink.finding(f);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
