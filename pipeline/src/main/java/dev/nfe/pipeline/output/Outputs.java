package dev.nfe.pipeline.output;

import dev.nfe.pipeline.evidence.EvidenceLedger;
import dev.nfe.pipeline.evidence.EvidenceSink;
import dev.nfe.pipeline.report.HtmlReportSink;

import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The one place where a command's outputs are chosen and opened: the streams they write to and
 * the {@link ResultSink} (one, or a {@link SinkSet}) that drivers write results into. A new
 * output is a sink class plus one line in {@link #open}. Closing flushes and closes what was
 * opened (standard output included, as the process is about to end).
 */
public final class Outputs implements AutoCloseable {
    private final BufferedOutputStream stream;
    private final PrintStream text;
    private final ResultSink sink;
    private final EvidenceLedger evidence;
    private final HtmlReportSink report;

    private Outputs(BufferedOutputStream stream, PrintStream text, ResultSink sink, EvidenceLedger evidence,
                    HtmlReportSink report) {
        this.stream = stream;
        this.text = text;
        this.sink = sink;
        this.evidence = evidence;
        this.report = report;
    }

    /** Opens {@code spec}'s destination and its sinks. */
    public static Outputs open(OutputSpec spec) throws IOException {
        OutputStream os = spec.outFile() != null ? new FileOutputStream(spec.outFile())
                : new FileOutputStream(FileDescriptor.out);
        BufferedOutputStream buffered = new BufferedOutputStream(os, 1 << 16);
        PrintStream text = new PrintStream(buffered, false, StandardCharsets.UTF_8);
        List<ResultSink> sinks = new ArrayList<>(2);
        // first: its summary writes the files the report (after it) names
        EvidenceSink evidence = spec.evidence() == null ? null : new EvidenceSink(spec.evidence());
        EvidenceLedger ledger = evidence == null ? null : evidence.ledger();
        if (evidence != null) {
            sinks.add(evidence);
        }
        HtmlReportSink report = null;
        switch (spec.format()) {
            case TEXT -> sinks.add(new TextSink(text, spec.multipleSources(), spec.live()));
            case JSONL -> sinks.add(new JsonLinesSink(buffered, spec.sessions()));
            case HTML -> sinks.add(report = new HtmlReportSink(buffered, spec.report(), ledger));
        }
        return new Outputs(buffered, text, SinkSet.of(sinks), ledger, report);
    }

    /** Incident ids the report was asked for that the results did not have (empty without a report). */
    public List<String> reportProblems() {
        return report == null ? List.of() : report.problems();
    }

    /** What {@code --evidence} wrote and what kept it from writing, or null without it. */
    public EvidenceLedger evidence() {
        return evidence;
    }

    public ResultSink sink() {
        return sink;
    }

    /** A line of the command's own after the results (text output only; a closing remark). */
    public void println(String line) {
        text.println(line);
    }

    /** Pushes everything written so far out (before the command prints its own messages). */
    public void flush() throws IOException {
        text.flush();
        stream.flush();
    }

    @Override
    public void close() throws IOException {
        text.flush();
        stream.close();
    }
}
