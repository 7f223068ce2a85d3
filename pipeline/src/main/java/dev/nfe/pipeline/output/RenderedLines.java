package dev.nfe.pipeline.output;

import dev.nfe.dissect.report.Finding;
import dev.nfe.dissect.report.SessionRecord;

import java.io.IOException;

/**
 * A sink that also takes JSON lines rendered ahead of it. Replay renders records on its worker
 * threads, in parallel, while the writer thread only copies bytes: on the 30,000-connection
 * capture that rendering is a good part of the writer's work. The bytes are exactly what
 * {@link JsonRenderer} renders for the record, so a sink that gets them writes what its
 * {@link ResultSink#session}/{@link ResultSink#finding} would have written.
 *
 * <p>Only an optimisation: drivers that do not render ahead call the domain methods. The arrays
 * are lent for the call only: replay writes later lines into them once the sink has returned.
 */
public interface RenderedLines {

    /** Whether sessions should be rendered ahead too (findings always are). */
    boolean wantsSessionLines();

    /** {@code s} rendered as {@code json[off, off+len)}. */
    void session(SessionRecord s, byte[] json, int off, int len) throws IOException;

    /** {@code f} rendered as {@code json[off, off+len)}. */
    void finding(Finding f, byte[] json, int off, int len) throws IOException;
}
