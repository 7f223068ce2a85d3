package dev.nfe.pipeline.kafka.dissect;

/** What a dissector instance did, over all its partitions (single-threaded: plain fields). */
final class PartitionCounters {
    long records;
    long segments;
    long markers;
    long deadLettered;
    long internalErrors;
    /** Records before the processed offset that a rebuilding worker read again. */
    long replayed;
    /** Of those, segments of flows that had started before the resume point: not needed. */
    long replaySkipped;
    /** Results recomputed while rebuilding and not published again. */
    long resultsSuppressed;
    long sessions;
    long findings;
}
