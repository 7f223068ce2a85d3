package dev.nfe.pipeline.output;

import dev.nfe.dissect.finding.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;

/**
 * Where merged results go, in their final order. {@code json[off, off+len)} carries the record
 * already rendered by a worker (one JSON line) when the sink asked for JSON; else json is null.
 */
public interface ResultSink {

    /** True when workers should pre-render findings as JSON lines. */
    boolean wantsJson();

    /** True when workers should pre-render every session as a JSON line too. */
    default boolean wantsSessionJson() {
        return false;
    }

    void session(SessionRecord s, byte[] json, int off, int len) throws IOException;

    void finding(SessionRecord s, Finding f, byte[] json, int off, int len) throws IOException;

    void incident(Incident i) throws IOException;

    /** A live capture's counters (every stats interval and at the end); files have none. */
    default void captureStats(CaptureStats stats) throws IOException {
    }

    /** Pushes what was written so far to its destination (live runs flush every second). */
    default void flush() throws IOException {
    }

    /** Last call: the run's totals. The sink flushes here. */
    void summary(RunSummary summary) throws IOException;
}
