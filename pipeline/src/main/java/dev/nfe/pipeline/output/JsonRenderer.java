package dev.nfe.pipeline.output;

import dev.nfe.dissect.finding.Incident;
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

    public byte[] summary(RunSummary s) {
        writer.reset();
        records.summary(writer, s);
        return writer.toByteArrayWithNewline();
    }
}
