package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

/** Renders records to JSON-line bytes (newline included). One per thread: it reuses its buffer. */
public final class JsonRenderer {
    private final JsonWriter writer = new JsonWriter();
    private final JsonRecords records = new JsonRecords();

    public byte[] session(SessionRecord s) {
        writer.reset();
        records.session(writer, s);
        return writer.toByteArrayWithNewline();
    }

    public byte[] finding(Finding f) {
        writer.reset();
        records.finding(writer, f);
        return writer.toByteArrayWithNewline();
    }

    public byte[] incident(Incident i) {
        writer.reset();
        records.incident(writer, i);
        return writer.toByteArrayWithNewline();
    }

    /**
     * Appends a session line to the current run of lines and returns where it starts; the run
     * is taken with {@link #takeRun()} (one array for many records: no copy per record).
     */
    public int appendSession(SessionRecord s) {
        int start = writer.length();
        writer.beginRecord();
        records.session(writer, s);
        writer.newline();
        return start;
    }

    /** As {@link #appendSession}, for a finding. */
    public int appendFinding(Finding f) {
        int start = writer.length();
        writer.beginRecord();
        records.finding(writer, f);
        writer.newline();
        return start;
    }

    /** End of the current run (the offset the next appended line would start at). */
    public int runLength() {
        return writer.length();
    }

    /** The current run's bytes (from 0 to the last {@link #runLength()}); a new run begins. */
    public byte[] takeRun() {
        return writer.detach();
    }

    /**
     * As {@link #takeRun()}, the next run going into {@code spare} (an earlier run whose bytes
     * nobody reads any more) when it is not null: a replay's runs are ~80 MB on the 30,000-
     * connection capture, a young-generation collection every 150 MB.
     */
    public byte[] takeRun(byte[] spare) {
        return writer.detach(spare);
    }

    public byte[] captureStats(CaptureStats s) {
        writer.reset();
        records.captureStats(writer, s);
        return writer.toByteArrayWithNewline();
    }

    public byte[] summary(RunSummary s) {
        writer.reset();
        records.summary(writer, s);
        return writer.toByteArrayWithNewline();
    }
}
