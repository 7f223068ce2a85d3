package dev.nfe.pipeline.kafka.agent;

import dev.nfe.pipeline.metrics.NfeMetrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * An agent's running totals since it started, for its metrics. Frames, bytes and segments have
 * one writer, the thread that reads the captures (one run at a time), which publishes each new
 * value with a release store: no atomic read-modify-write on the per-frame path. Kafka's I/O
 * thread counts the records it could not deliver. Any thread may read.
 */
final class AgentTotals {
    private final AtomicLong frames = new AtomicLong();
    private final AtomicLong bytes = new AtomicLong();
    private final AtomicLong segments = new AtomicLong();
    private final AtomicLong kafkaDrops = new AtomicLong();

    /** A frame read, with its length on the wire. Reader thread only. */
    void frame(int wireLength) {
        frames.setRelease(frames.getPlain() + 1);
        bytes.setRelease(bytes.getPlain() + wireLength);
    }

    /** A TCP segment handed to the producer. Reader thread only. */
    void segment() {
        segments.setRelease(segments.getPlain() + 1);
    }

    /** A record the producer gave up on. Any thread. */
    void kafkaDrop() {
        kafkaDrops.incrementAndGet();
    }

    void register(NfeMetrics m) {
        m.functionCounter("nfe_packets", "frames read from the captures", frames::getAcquire);
        m.functionCounter("nfe_bytes", "bytes of those frames, as long as they were on the wire", bytes::getAcquire);
        m.functionCounter("nfe_segments", "TCP segments decoded and handed to Kafka", segments::getAcquire);
        m.functionCounter("nfe_drops", "segments and markers lost, by reason (kafka: the producer gave up on them)",
                kafkaDrops::get, "reason", "kafka");
    }
}
