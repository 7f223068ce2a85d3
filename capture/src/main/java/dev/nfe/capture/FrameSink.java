package dev.nfe.capture;

/**
 * Receives raw link-layer frames from a {@link FrameSource}. The array is the reader's own buffer:
 * never modify it; keep it (or views of it) beyond the call only when the source's
 * {@link FrameSource#stableBuffers()} says it will not be rewritten.
 */
@FunctionalInterface
public interface FrameSink {
    /**
     * @param number          1-based frame number in the source (0 when the source has no numbering)
     * @param timestampNanos  nanoseconds since the Unix epoch, UTC
     * @param linkType        LINKTYPE_* value (https://www.tcpdump.org/linktypes.html)
     * @param buf             buffer holding the captured bytes
     * @param off             offset of the first captured byte in {@code buf}
     * @param capturedLength  number of captured bytes
     * @param originalLength  length of the frame on the wire (larger when cut by the snap length)
     */
    void frame(long number, long timestampNanos, int linkType, byte[] buf, int off, int capturedLength, int originalLength);
}
