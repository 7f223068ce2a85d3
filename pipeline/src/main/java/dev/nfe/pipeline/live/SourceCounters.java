package dev.nfe.pipeline.live;

import dev.nfe.capture.live.PcapCounters;

/**
 * The counters of one interface. Each field has one writer: the capture thread writes
 * {@code delivered}, {@code queueDropped} and {@code pcap}; the processing thread writes the
 * rest. They are volatile so the stats writer, logs and the metrics endpoint read fresh values.
 */
final class SourceCounters {
    final String source;
    volatile long delivered;
    volatile long queueDropped;
    volatile PcapCounters pcap = PcapCounters.ZERO;
    volatile long processed;
    volatile long segments;
    volatile long bytes;
    volatile long lastTsNanos;

    SourceCounters(String source) {
        this.source = source;
    }

    /** Packets lost before decoding so far: kernel ring, interface and the agent's queue. */
    long captureLoss() {
        PcapCounters p = pcap;
        return p.dropped() + p.ifDropped() + queueDropped;
    }
}
