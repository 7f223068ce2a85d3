package dev.nfe.capture;

/** Receives decoded TCP segments. */
@FunctionalInterface
public interface SegmentSink {
    void segment(TcpSegment segment);
}
