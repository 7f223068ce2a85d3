package dev.nfe.pipeline.output;

import dev.nfe.dissect.finding.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;

/**
 * Where merged results go, in their final order. {@code json} arguments carry the record already
 * rendered by a worker when the sink asked for JSON (else null).
 */
public interface ResultSink {

    /** True when workers should pre-render sessions and findings as JSON lines. */
    boolean wantsJson();

    void session(SessionRecord s, byte[] json) throws IOException;

    void finding(SessionRecord s, Finding f, byte[] json) throws IOException;

    void incident(Incident i) throws IOException;

    /** Last call: the run's totals. The sink flushes here. */
    void summary(RunSummary summary) throws IOException;
}
