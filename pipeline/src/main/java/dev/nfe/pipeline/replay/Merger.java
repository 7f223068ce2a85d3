package dev.nfe.pipeline.replay;

import dev.nfe.pipeline.Defaults;

import dev.nfe.dissect.DissectorStats;
import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.IncidentEngine;
import dev.nfe.dissect.incident.IncidentStats;
import dev.nfe.pipeline.output.RenderedLines;
import dev.nfe.pipeline.output.ResultSink;
import dev.nfe.pipeline.output.RunSummary;
import dev.nfe.pipeline.output.SinkSet;
import dev.nfe.pipeline.output.SummaryCollector;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The writer thread: reads every shard's chunks in lockstep (one per watermark), sorts each
 * interval's output by (emit frame, first frame) and writes it, groups findings into incidents,
 * and ends with the summary. The order is therefore the same for any number of workers.
 */
final class Merger implements Runnable {
    private final BlockingQueue<FileJob> jobs;
    private final ResultSink sink;
    /** The same sink when it takes the lines the shards rendered ahead, else null. */
    private final RenderedLines rendered;
    private final IncidentEngine incidents;
    /** The end of what was seen: the latest frame time of every capture so far. */
    private long endTs = Long.MIN_VALUE;
    private final SummaryCollector summary = new SummaryCollector(Defaults.SUMMARY_SERVERS);
    private final Failure failure;
    private long internalErrors;
    private String firstInternalError;

    /** Marks the end of the run in the job queue. */
    static final FileJob END = new FileJob(null, List.of(), null);

    Merger(BlockingQueue<FileJob> jobs, ResultSink sink, IncidentEngine incidents, Failure failure) {
        this.jobs = jobs;
        this.sink = sink;
        this.rendered = SinkSet.takesRenderedLines(sink) ? (RenderedLines) sink : null;
        this.incidents = incidents;
        this.failure = failure;
    }

    @Override
    public void run() {
        try {
            while (true) {
                FileJob job = jobs.poll(50, TimeUnit.MILLISECONDS);
                if (job == null) {
                    if (failure.failed()) {
                        return;
                    }
                    continue;
                }
                if (job == END) {
                    break;
                }
                mergeFile(job);
            }
            // the dissectors are done: the incidents' snapshots (the period search) on every core
            write(incidents.finish(endTs == Long.MIN_VALUE ? 0 : endTs,
                    tasks -> tasks.parallelStream().map(java.util.function.Supplier::get).toList()));
            IncidentStats st = incidents.stats();
            countIfAny("incident_sessions_late", st.late());
            countIfAny("incident_sessions_forced", st.forced());
            countIfAny("incidents_closed_early", st.closedEarly());
            if (internalErrors > 0) {
                summary.count("internal_errors", internalErrors);
            }
            sink.summary(summary.build());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Throwable t) {
            failure.fail(t);
        }
    }

    long internalErrors() {
        return internalErrors;
    }

    String firstInternalError() {
        return firstInternalError;
    }

    private void mergeFile(FileJob job) throws Exception {
        int n = job.shards().size();
        long sessions = 0;
        long findings = 0;
        DissectorStats stats = DissectorStats.zero();
        boolean last = false;
        List<Emitted> interval = new ArrayList<>();
        byte[][] runs = new byte[n][];
        while (!last) {
            interval.clear();
            last = true;
            for (int i = 0; i < n; i++) {
                Chunk c = take(job.shards().get(i).out);
                runs[i] = c.items().isEmpty() ? null : c.items().get(0).json();
                if (c.failure() != null) {
                    throw new IllegalStateException("a dissector worker failed", c.failure());
                }
                interval.addAll(c.items());
                last &= c.last();
                if (c.last() && c.stats() != null) {
                    stats = stats.plus(c.stats());
                    internalErrors += c.internalErrors();
                    if (firstInternalError == null && c.firstError() != null) {
                        firstInternalError = c.firstError();
                    }
                }
            }
            interval.sort(Emitted::compare);
            for (Emitted e : interval) {
                summary.session(e.session());
                if (rendered != null && e.sessionLen() > 0) {
                    rendered.session(e.session(), e.json(), e.sessionOff(), e.sessionLen());
                } else {
                    sink.session(e.session());
                }
                sessions++;
                if (e.finding() != null) {
                    findings++;
                    summary.count("findings", 1);
                    if (rendered != null && e.findingLen() > 0) {
                        rendered.finding(e.finding(), e.json(), e.findingOff(), e.findingLen());
                    } else {
                        sink.finding(e.finding());
                    }
                }
                write(incidents.session(e.session(), e.finding()));
            }
            // the sinks have copied (or written) the lines: the runs can take the shards' next lines
            for (int i = 0; i < n; i++) {
                if (runs[i] != null) {
                    job.shards().get(i).spareRuns.offer(runs[i]);
                }
            }
        }
        write(incidents.endOfInput());
        FileJob.Read read = job.report().get();
        RunSummary.CaptureReport r = read.report();
        endTs = Math.max(endTs, read.endTsNanos());
        summary.capture(new RunSummary.CaptureReport(r.capture(), r.frames(), r.segments(), sessions, findings,
                r.skipped(), r.error()));
        summary.count("sessions", sessions);
        summary.count("frames", r.frames());
        summary.count("segments", r.segments());
        summary.count("connections", stats.connections());
        summary.count("flows_expired_idle", stats.expiredIdle());
        summary.count("flows_evicted_table_full", stats.evictedFlowTableFull());
        summary.count("port_reuse", stats.portReuse());
        summary.count("reassembly_budget_refusals", stats.pendingBudgetRefusals());
        summary.count("timelines_capped", stats.eventLogCapped());
    }

    private void write(List<Incident> closed) throws java.io.IOException {
        for (Incident i : closed) {
            sink.incident(i);
            summary.count("incidents", 1);
        }
    }

    private void countIfAny(String name, long n) {
        if (n > 0) {
            summary.count(name, n);
        }
    }

    private Chunk take(BlockingQueue<Chunk> q) throws InterruptedException {
        while (true) {
            Chunk c = q.poll(50, TimeUnit.MILLISECONDS);
            if (c != null) {
                return c;
            }
            if (failure.failed()) {
                throw new IllegalStateException("replay aborted", failure.cause());
            }
        }
    }
}
