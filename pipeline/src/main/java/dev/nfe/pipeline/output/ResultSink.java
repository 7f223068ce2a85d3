package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.incident.Observation;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;

/**
 * Where results go: the one interface every output implements — text for people, JSON lines,
 * the Kafka result topics, and any output added later. It takes domain values only, in their
 * final order, from one thread: every session, a session's finding right after it, incidents
 * as they close or change, a live capture's counters, and the summary last.
 *
 * <p>Sinks are chosen in one place ({@link Outputs#open}); drivers (replay, the live agent, the
 * Kafka findings reader, the dissector group) only ever see this interface.
 */
public interface ResultSink {

    void session(SessionRecord s) throws IOException;

    /** A failed handshake; always right after {@link #session} of its session. */
    void finding(Finding f) throws IOException;

    void incident(Incident i) throws IOException;

    /**
     * The incident engine put {@code failure} (a session's finding, which came before) into the
     * incident that will carry {@code incidentId}: exact membership, for outputs that need an
     * incident's own connections (evidence files). Comes before that incident does.
     */
    default void joined(Observation failure, String incidentId) {
    }

    /** A live capture's counters (every stats interval and at the end); files have none. */
    default void captureStats(CaptureStats stats) throws IOException {
    }

    /** Pushes what was written so far to its destination (live runs flush every second). */
    default void flush() throws IOException {
    }

    /** Last call: the run's totals. The sink flushes here. */
    void summary(RunSummary summary) throws IOException;
}
