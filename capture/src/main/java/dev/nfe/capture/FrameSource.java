package dev.nfe.capture;

import java.io.Closeable;
import java.io.IOException;

/**
 * A sequence of link-layer frames: a capture file or a live interface.
 *
 * <p>Errors are reported once, as exceptions at the source boundary: {@link NotACaptureException}
 * when the input is not a capture at all, {@link CaptureDamagedException} when a capture turns out
 * to be truncated or corrupt (every frame before the damage has already been delivered).
 */
public interface FrameSource extends Closeable {

    /**
     * Delivers the next frame to {@code sink}.
     *
     * @return true if a frame was delivered, false at the clean end of the input
     * @throws CaptureDamagedException when the input is damaged at the current position
     */
    boolean next(FrameSink sink) throws IOException;

    /** Bytes of input consumed so far (for progress reports and error offsets). */
    long position();

    /** Total size of the input in bytes, or -1 when unknown (live capture, pipes). */
    long size();

    /** What this source reads, for messages: a path or an interface name. */
    String description();

    /**
     * True when the arrays this source hands to {@link FrameSink#frame} are never written again
     * afterwards, so a sink may keep views of them instead of copying (zero-copy payloads).
     */
    default boolean stableBuffers() {
        return false;
    }

    /**
     * The resolution the source recorded the timestamp of the frame it delivered last in, as a
     * pcapng {@code if_tsresol} code: 6 microseconds, 9 nanoseconds; a pcapng interface's own code
     * otherwise. Frames are delivered in nanoseconds whatever it is; a writer of evidence keeps the
     * original resolution with this. Default: 9 (nothing coarser is known).
     */
    default int timestampResolution() {
        return 9;
    }
}
