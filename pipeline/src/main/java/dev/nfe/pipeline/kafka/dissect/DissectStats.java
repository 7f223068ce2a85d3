package dev.nfe.pipeline.kafka.dissect;

/**
 * What a dissector instance has done since it started: an immutable snapshot that the poll
 * thread publishes after every poll, for other threads (the metrics endpoint, tests) to read
 * without touching the dissectors' state.
 *
 * @param records        records read from the segments topic, rebuilds after a takeover included
 * @param segments       TCP segments among them
 * @param markers        agent heartbeats and end-of-input markers among them
 * @param deadLetters    records copied to the dead-letter topic, in committed transactions
 * @param internalErrors records that hit a bug of ours (they are dead-lettered too)
 * @param replayed       records before the resume point read again while rebuilding open flows
 * @param commits        transactions committed (results and offsets together)
 * @param aborts         transactions aborted (their results are computed again and sent later)
 * @param openFlows      connections followed now, over all owned partitions and agent inputs
 * @param partitions     segments partitions owned now
 */
public record DissectStats(long records, long segments, long markers, long deadLetters, long internalErrors,
                           long replayed, long commits, long aborts, int openFlows, int partitions) {
    static final DissectStats NONE = new DissectStats(0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
}
