package dev.nfe.pipeline.replay;

import dev.nfe.capture.TcpSegment;

/**
 * Segments for one shard, in capture order. A batch may end with a watermark (event time has
 * reached {@code watermarkTs} at frame {@code watermarkFrame}: expire idle flows, then hand the
 * output so far to the merger) or mark the end of the input.
 */
final class Batch {
    final TcpSegment[] segments;
    int size;
    long watermarkFrame = -1;
    long watermarkTs;
    boolean end;

    Batch(int capacity) {
        this.segments = new TcpSegment[capacity];
    }

    boolean full() {
        return size == segments.length;
    }

    boolean hasWatermark() {
        return watermarkFrame >= 0;
    }
}
