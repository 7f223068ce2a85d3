package dev.nfe.pipeline.output;

/**
 * What a live capture of one interface received, processed and lost: totals since the agent
 * started, written every stats interval and once at the end ({@code last}). On Linux
 * {@code pcapReceived = processed + pcapDropped + queueDropped} once the agent has drained the
 * kernel ring and its queue (at the end); in between, the difference is what is still in flight.
 *
 * @param source        agent/interface
 * @param wallTsNanos   when the agent took these numbers
 * @param eventTsNanos  the latest capture timestamp processed (0 before the first frame)
 * @param processed     frames the agent decoded
 * @param segments      TCP segments among them
 * @param pcapReceived  pcap_stats ps_recv: packets that passed the filter
 * @param pcapDropped   ps_drop: the kernel ring was full
 * @param pcapIfDropped ps_ifdrop: the interface dropped them
 * @param queueDropped  the agent's own queue was full (it could not keep up)
 * @param kafkaDropped  segments Kafka did not take in time (0 without Kafka)
 */
public record CaptureStats(String source, long wallTsNanos, long eventTsNanos, boolean last, long processed,
                           long segments, long pcapReceived, long pcapDropped, long pcapIfDropped,
                           long queueDropped, long kafkaDropped) {

    /** Packets this capture lost before decoding: what a session's {@code capture_loss} counts. */
    public long captureLoss() {
        return pcapDropped + pcapIfDropped + queueDropped;
    }

    /** received = processed + dropped: holds exactly once everything in flight has been drained. */
    public boolean balanced() {
        return pcapReceived == processed + pcapDropped + queueDropped;
    }
}
