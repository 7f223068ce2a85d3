package dev.nfe.pipeline.output;

import dev.nfe.dissect.incident.Incident;
import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;
import java.io.OutputStream;

/**
 * The JSON-lines contract: findings (and, with {@code sessions}, every session) in result order,
 * incidents as they close, capture counters, one summary last. Takes lines replay rendered ahead
 * ({@link RenderedLines}) as they are.
 */
public final class JsonLinesSink implements ResultSink, RenderedLines {
    private final OutputStream out;
    private final boolean sessions;
    private final JsonRenderer renderer = new JsonRenderer();

    public JsonLinesSink(OutputStream out, boolean sessions) {
        this.out = out;
        this.sessions = sessions;
    }

    @Override
    public boolean wantsSessionLines() {
        return sessions;
    }

    @Override
    public void session(SessionRecord s) throws IOException {
        if (sessions) {
            out.write(renderer.session(s));
        }
    }

    @Override
    public void session(SessionRecord s, byte[] json, int off, int len) throws IOException {
        if (sessions) {
            out.write(json, off, len);
        }
    }

    @Override
    public void finding(Finding f) throws IOException {
        out.write(renderer.finding(f));
    }

    @Override
    public void finding(Finding f, byte[] json, int off, int len) throws IOException {
        out.write(json, off, len);
    }

    @Override
    public void incident(Incident i) throws IOException {
        out.write(renderer.incident(i));
    }

    @Override
    public void captureStats(CaptureStats stats) throws IOException {
        out.write(renderer.captureStats(stats));
    }

    @Override
    public void flush() throws IOException {
        out.flush();
    }

    @Override
    public void summary(RunSummary summary) throws IOException {
        out.write(renderer.summary(summary));
        out.flush();
    }
}
