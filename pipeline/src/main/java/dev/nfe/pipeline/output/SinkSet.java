package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Several outputs as one: every call goes to each sink in order. Lines rendered ahead go to the
 * sinks that take them ({@link RenderedLines}) and the domain value to the others.
 */
public final class SinkSet implements ResultSink, RenderedLines {
    private final List<ResultSink> sinks;
    private final List<RenderedLines> rendered = new ArrayList<>(1);
    private final List<ResultSink> plain = new ArrayList<>();

    private SinkSet(List<ResultSink> sinks) {
        this.sinks = List.copyOf(sinks);
        for (ResultSink s : this.sinks) {
            if (s instanceof RenderedLines r) {
                rendered.add(r);
            } else {
                plain.add(s);
            }
        }
    }

    /** One sink as it is, several as a set. */
    public static ResultSink of(List<ResultSink> sinks) {
        return sinks.size() == 1 ? sinks.get(0) : new SinkSet(sinks);
    }

    /** Whether any sink takes lines rendered ahead (else rendering ahead would be wasted). */
    public static boolean takesRenderedLines(ResultSink sink) {
        return sink instanceof SinkSet set ? !set.rendered.isEmpty() : sink instanceof RenderedLines;
    }

    @Override
    public boolean wantsSessionLines() {
        for (RenderedLines r : rendered) {
            if (r.wantsSessionLines()) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void session(SessionRecord s) throws IOException {
        for (ResultSink sink : sinks) {
            sink.session(s);
        }
    }

    @Override
    public void session(SessionRecord s, byte[] json, int off, int len) throws IOException {
        for (RenderedLines r : rendered) {
            r.session(s, json, off, len);
        }
        for (ResultSink sink : plain) {
            sink.session(s);
        }
    }

    @Override
    public void finding(Finding f) throws IOException {
        for (ResultSink sink : sinks) {
            sink.finding(f);
        }
    }

    @Override
    public void finding(Finding f, byte[] json, int off, int len) throws IOException {
        for (RenderedLines r : rendered) {
            r.finding(f, json, off, len);
        }
        for (ResultSink sink : plain) {
            sink.finding(f);
        }
    }

    @Override
    public void incident(Incident i) throws IOException {
        for (ResultSink sink : sinks) {
            sink.incident(i);
        }
    }

    @Override
    public void joined(Observation failure, String incidentId) {
        for (ResultSink sink : sinks) {
            sink.joined(failure, incidentId);
        }
    }

    @Override
    public void captureStats(CaptureStats stats) throws IOException {
        for (ResultSink sink : sinks) {
            sink.captureStats(stats);
        }
    }

    @Override
    public void flush() throws IOException {
        for (ResultSink sink : sinks) {
            sink.flush();
        }
    }

    @Override
    public void summary(RunSummary summary) throws IOException {
        for (ResultSink sink : sinks) {
            sink.summary(summary);
        }
    }
}
