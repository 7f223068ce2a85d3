package dev.nfe.pipeline.live;

import dev.nfe.capture.TcpSegment;
import dev.nfe.capture.decode.DecodeStats;
import dev.nfe.pipeline.output.CaptureStats;

import java.io.IOException;

/**
 * Where the processing thread puts what the interfaces gave: Kafka, or a dissector in process.
 * All calls come from the processing thread, except {@link #abort}. Sources are the indexes of
 * the interfaces, named as given to {@link #open}.
 */
public interface LiveOutput extends AutoCloseable {

    /** Called once before anything else, with the source names ("agent/interface"). */
    void open(java.util.List<String> sources) throws IOException;

    /**
     * One segment of {@code source}. {@code captureLoss} is the source's running count of lost
     * packets, attributed to the connections open when it grows.
     */
    void segment(int source, TcpSegment s, long captureLoss) throws IOException;

    /**
     * Event time of {@code source} has reached {@code clockNanos} (about every second, also on a
     * quiet interface): idle flows may be finalised. Never goes back.
     */
    void tick(int source, long clockNanos, DecodeStats decoded) throws IOException;

    /** The counters of one source, every stats interval and at the end ({@code stats.last()}). */
    void stats(int source, CaptureStats stats) throws IOException;

    /** Segments of {@code source} this output lost itself so far (Kafka did not take them); 0 in process. */
    long dropped(int source);

    /** The capture of {@code source} has ended at {@code clockNanos}: finalise everything open. */
    void finish(int source, long clockNanos, DecodeStats decoded) throws IOException;

    /**
     * After the last {@link #finish}: waits until everything handed over is delivered or has
     * failed, so that the final {@link #stats} count it (bounded by {@link #abort}).
     */
    void settle() throws IOException;

    /**
     * Gives up on what could not be delivered (called from another thread when a stop takes
     * longer than the drain timeout): pending work fails fast and is counted in {@link #dropped}.
     */
    void abort();

    /** Flushes and releases. */
    @Override
    void close() throws IOException;
}
