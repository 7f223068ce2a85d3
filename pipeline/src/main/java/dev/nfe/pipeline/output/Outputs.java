package dev.nfe.pipeline.output;

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

    private Outputs(BufferedOutputStream stream, PrintStream text, ResultSink sink) {
        this.stream = stream;
        this.text = text;
        this.sink = sink;
    }

    /** Opens {@code spec}'s destination and its sinks. */
    public static Outputs open(OutputSpec spec) throws IOException {
        OutputStream os = spec.outFile() != null ? new FileOutputStream(spec.outFile())
                : new FileOutputStream(FileDescriptor.out);
        BufferedOutputStream buffered = new BufferedOutputStream(os, 1 << 16);
        PrintStream text = new PrintStream(buffered, false, StandardCharsets.UTF_8);
        List<ResultSink> sinks = new ArrayList<>(2);
        switch (spec.format()) {
            case TEXT -> sinks.add(new TextSink(text, spec.multipleSources(), spec.live()));
            case JSONL -> sinks.add(new JsonLinesSink(buffered, spec.sessions()));
        }
        return new Outputs(buffered, text, SinkSet.of(sinks));
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
