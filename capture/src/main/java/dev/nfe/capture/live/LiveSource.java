package dev.nfe.capture.live;

import dev.nfe.capture.FrameSink;

import java.io.Closeable;

/**
 * One interface being captured, driven by its caller's capture thread: {@link #dispatch} hands over
 * what is ready without waiting, {@link #counters} gives the kernel's counts. {@link #breakLoop}
 * may be called from any thread; everything else belongs to the capture thread. Frames are handed
 * over in arrays of their own, so sinks may keep them.
 */
public interface LiveSource extends Closeable {

    /**
     * Hands the frames that are ready to {@code sink}, without waiting.
     *
     * @return frames delivered (0: none ready), or -1 when {@link #breakLoop} interrupted it
     * @throws LiveCaptureException when the interface failed (it went away, say)
     */
    int dispatch(FrameSink sink) throws LiveCaptureException;

    /** Makes a running or the next {@link #dispatch} return at once (any thread). */
    void breakLoop();

    /** The kernel's totals since counting started: received = delivered + dropped, exactly. */
    PcapCounters counters() throws LiveCaptureException;

    String name();

    /** LINKTYPE_ of every frame. */
    int linkType();

    /** Whether timestamps carry nanoseconds (else microseconds). */
    boolean nanosecondTimestamps();

    /** The filter the kernel runs. */
    String filter();

    /** How frames are read, for the log: the reader and its ring. */
    String describe();

    /** Frames delivered so far. */
    long frames();

    /** Whether counting started on a settled ring (see the implementations). */
    boolean settledAtStart();

    @Override
    void close();
}
