package dev.nfe.pipeline.replay;

import dev.nfe.dissect.DissectorConfig;

/**
 * How a replay runs.
 *
 * @param workers          dissector threads; flows are sharded across them by flow hash
 * @param batchSize        segments handed to a worker at once
 * @param watermarkFrames  every this many frames event time advances in all workers (idle flows
 *                         expire, output is merged): a property of the input, so results do not
 *                         depend on the number of workers or on scheduling
 * @param queueDepth       batches queued per worker (bounded memory)
 * @param dissector        limits and timeouts; {@code capture} is replaced by each file's name
 * @param opener           how files are read
 * @param incidentGapNanos quiet time that separates two incidents of one server and kind
 * @param incidentMinCount smallest group reported as an incident
 */
public record ReplayOptions(
        int workers,
        int batchSize,
        int watermarkFrames,
        int queueDepth,
        DissectorConfig dissector,
        CaptureOpener opener,
        long incidentGapNanos,
        int incidentMinCount) {

    public ReplayOptions {
        if (workers < 1 || batchSize < 1 || watermarkFrames < 1 || queueDepth < 1 || incidentMinCount < 1) {
            throw new IllegalArgumentException("invalid replay options");
        }
    }
}
